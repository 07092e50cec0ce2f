package io.ansiblemitogen.it.become;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.it.engine.LocalTemp;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Async tasks (issue 3, item 7), differential: {@code async}/{@code poll}, {@code poll: 0} then an
 * {@code async_status} loop, a job over its time limit, a failing job, and the status cleanup, under stock
 * Ansible and through the engine over a real sshd.
 */
public class AsyncTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static final LocalTemp LOCAL_TEMP = new LocalTemp();
    private static CorpusRunner runner;
    private static EmbeddedEngine engine;

    @BeforeClass
    public static void setUp() throws Exception {
        runner = new CorpusRunner().timeout(Duration.ofSeconds(120));
        engine = new EmbeddedEngine();
    }

    @AfterClass
    public static void tearDown() {
        LOCAL_TEMP.close();
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    public void asyncAgreesWithStock() throws Exception {
        Path playbook = Path.of("src/test/resources/become/async.yml");
        Inventory inv = Inventory.forFixture(SSHD, "target");
        RunResult stock = runner.run(playbook, inv, LOCAL_TEMP.with(Mode.STOCK));
        RunResult ours = runner.run(playbook, inv, LOCAL_TEMP.with(EngineMode.of(engine)));
        for (RunResult r : List.of(stock, ours)) {
            assertEquals(r.describe(), 0, r.exitCode());
            assertEquals(r.describe(), "failed", r.task("over the time limit", "target").status());
            assertEquals(r.describe(), "background", r.task("wait for the job", "target").field("stdout").asText());
            assertFalse(r.describe(), r.task("the job is still running right after", "target")
                    .field("finished").asBoolean());
        }
        assertTrue(ours.task("over the time limit", "target").field("msg").asText(),
                ours.task("over the time limit", "target").field("msg").asText().contains("within the requested time"));
        // Job ids and their status files are random per run; how many polls the until-loop needed depends on
        // the clock, so its `attempts` is checked for sense, not compared.
        ResultNormaliser n = ResultNormaliser.standard()
                .withStringRule("[0-9]{6,}\\.[0-9]+", "<job id>");
        List<String> diffs = new ResultComparator(n, "stock", "engine").compare(stock, ours).stream()
                .filter(d -> !(d.contains("'wait for the job'") && d.contains("attempts")))
                .collect(Collectors.toList());
        assertEquals("stock and engine differ\n" + String.join("\n", diffs) + "\nengine run:\n" + ours.describe(),
                List.of(), diffs);
        assertTrue(ours.task("wait for the job", "target").field("attempts").asInt() >= 1);
    }
}
