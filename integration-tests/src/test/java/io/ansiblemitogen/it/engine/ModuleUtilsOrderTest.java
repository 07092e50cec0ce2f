package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.corpus.Corpus;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertEquals;

/**
 * Issue 18, item 9: the same module_util name (mu_order) in a role's module_utils/, beside the playbook and in a
 * configured path (ANSIBLE_MODULE_UTILS). Which copy a module gets is stock's AnsiballZ builder's choice (the
 * engine runs stock's payload), so the class of bug is a warm interpreter keeping the copy an earlier payload
 * brought: one engine serves four layouts in a row, as a daemon serves several projects, each compared with
 * stock and checked against the copy stock picks (the playbook's, else the role's, else the configured one).
 */
public class ModuleUtilsOrderTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static final Path SOURCE = Path.of("src/test/resources/module_utils_order");
    private static final String PLAYBOOK_COPY = "module_utils/mu_order.py";
    private static final String ROLE_COPY = "roles/mu_role/module_utils/mu_order.py";

    private static CorpusRunner runner;
    private static EmbeddedEngine engine;
    private static final List<Path> copies = new ArrayList<>();

    @BeforeClass
    public static void start() throws Exception {
        runner = new CorpusRunner();
        engine = new EmbeddedEngine();
    }

    @AfterClass
    public static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
        copies.forEach(Procs::deleteTree);
    }

    /** A layout: the copies removed, the copy stock then picks, the task isolation of the engine's run. */
    public record Layout(List<String> without, String expected, String isolation) {
    }

    /** In this order each layout after the first finds a warm interpreter holding another copy of mu_order. */
    public static final List<Layout> LAYOUTS = List.of(
            new Layout(List.of(), "playbook", "reuse"),
            new Layout(List.of(PLAYBOOK_COPY), "role", "reuse"),
            new Layout(List.of(PLAYBOOK_COPY, ROLE_COPY), "configured", "reuse"),
            new Layout(List.of(ROLE_COPY), "playbook", "reuse"),
            new Layout(List.of(PLAYBOOK_COPY), "role", "fork"));

    @Test
    public void eachLayoutGetsStocksCopyThroughOneWarmEngine() throws Exception {
        for (Layout l : LAYOUTS) {
            check(layout(copies, l.without()), l.expected(),
                    EngineMode.of(engine).withEnv("ANSIBLE_MITOGEN_TASK_ISOLATION", l.isolation()));
        }
    }

    private static void check(Path dir, String expected, Mode ours) {
        Path playbook = dir.resolve("module_utils_order.yml");
        Inventory inv = Corpus.inventory(SSHD, "target");
        String configured = dir.resolve("configured_utils").toString();
        RunResult stock = runner.run(playbook, inv, Mode.STOCK.withEnv("ANSIBLE_MODULE_UTILS", configured));
        RunResult engineRun = runner.run(playbook, inv, ours.withEnv("ANSIBLE_MODULE_UTILS", configured));
        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(stock, engineRun);
        assertEquals(dir + ": stock and engine differ\n" + report + "\nengine run:\n" + engineRun.describe(), "",
                report);
        for (RunResult r : List.of(stock, engineRun)) {
            assertEquals(r.describe(), 0, r.exitCode());
            assertEquals(r.describe(), List.of(expected, expected, expected, expected, expected), saw(r, "target"));
        }
    }

    /** Which copy each probe task saw, in order. */
    public static List<String> saw(RunResult r, String host) {
        List<String> saw = new ArrayList<>();
        r.task("what each saw", host).field("msg").forEach(n -> saw.add(n.asText()));
        return saw;
    }

    /** A copy of the playbook tree without the named module_util copies (in {@code copies}, to delete later). */
    public static Path layout(List<Path> copies, List<String> without) throws IOException {
        Path dir = Files.createTempDirectory("amtest-muorder-");
        copies.add(dir);
        Procs.check(List.of("cp", "-r", SOURCE.toAbsolutePath() + "/.", dir.toString()), null);
        for (String w : without) {
            Files.delete(dir.resolve(w));
        }
        Procs.check(List.of("chmod", "-R", "a+rX", dir.toString()), null);
        return dir;
    }
}
