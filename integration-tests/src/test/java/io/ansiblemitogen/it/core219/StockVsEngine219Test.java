package io.ansiblemitogen.it.core219;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.corpus.Corpus;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.TempDirWatch;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The differential suite on ansible-core 2.19: every corpus playbook runs under stock 2.19 and through the
 * engine, ansible-playbook inside the Debian 13 root, against two targets in the same run: this machine's sshd
 * (Debian 12, Python 3.11) and an sshd chrooted into the Debian 13 root (Python 3.13). Results are compared
 * field by field as in the 2.14 suite. One engine (in this JVM) serves the whole suite.
 *
 * <p>It also shows that through the engine no Python module runs from a file: AnsiballZ run as a script unpacks
 * into {@code $TMPDIR/ansible_<module>_payload_*}, so each target's TMPDIR is watched; stock runs must create
 * such directories (the watch works) and engine runs none.
 */
@RunWith(Parameterized.class)
public class StockVsEngine219Test {
    private static final String PAYLOAD = "ansible_[A-Za-z0-9_.]+_payload_.*";

    private static TrixieRoot root;
    private static final List<SshTarget> TARGETS = new ArrayList<>();
    private static final List<TempDirWatch> WATCHES = new ArrayList<>();
    private static Corpus219Runner runner;
    private static EmbeddedEngine engine;
    private static Mode engineMode;
    private static int stockPayloads;
    private static long resets;
    private static Duration stockTime = Duration.ZERO;
    private static Duration engineTime = Duration.ZERO;

    /** The corpus, then the 2.19-only playbooks of src/test/resources/core219 (same -Dcorpus.only filter). */
    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        List<Object[]> all = new ArrayList<>(Corpus.parameters());
        String only = System.getProperty("corpus.only", "");
        Set<String> wanted = only.isBlank() ? Set.of() : Set.of(only.split(","));
        for (Path p : CorpusRunner.playbooks(Corpus.dir().resolveSibling("core219"))) {
            if (wanted.isEmpty() || wanted.contains(p.getFileName().toString().replaceFirst("\\.yml$", ""))) {
                all.add(new Object[] {p.getFileName().toString(), p});
            }
        }
        return all;
    }

    private final Path playbook;

    public StockVsEngine219Test(String name, Path playbook) {
        this.playbook = playbook;
    }

    @BeforeClass
    public static void start() throws Exception {
        root = TrixieRoot.ensure();
        TARGETS.add(SshTarget.thisMachine("py311"));
        TARGETS.add(SshTarget.inRoot("py313", root));
        for (SshTarget t : TARGETS) {
            WATCHES.add(TempDirWatch.start(t.onHost(t.tmpDir())));
        }
        engine = new EmbeddedEngine();
        engineMode = withSshArgs(EngineMode.of(engine));
        runner = new Corpus219Runner(root, TARGETS).bind(engine.socket().getParent());
        // the plugin's files (ANSIBLE_STRATEGY_PLUGINS=<plugin dir>/strategy) must be visible inside the root
        runner.bind(Path.of(engineMode.env().get("ANSIBLE_STRATEGY_PLUGINS").split(":")[0]).getParent());
    }

    @AfterClass
    public static void stop() {
        // CI's time budget: what each side costs (docs/ansible-core-compat.md)
        System.out.println("StockVsEngine219Test: ansible-playbook wall time, stock " + stockTime.toSeconds()
                + " s, engine " + engineTime.toSeconds() + " s");
        try {
            if (engine != null) {
                long opened = engine.engine().pool().openedCount();
                engine.close();
                // One connection per target for the whole suite, plus a new one after each reset(): stock closes
                // its ControlMaster there too, and wait_for_connection calls reset() before its ping.
                long allowed = TARGETS.size() * (1L + resets);
                assertTrue("the engine opened " + opened + " connections to " + TARGETS.size() + " targets over "
                        + "the whole suite, with " + resets + " connection reset(s) each", opened <= allowed);
            }
            if (!WATCHES.isEmpty() && Corpus.parameters().size() > 3) {
                assertTrue("stock runs never unpacked AnsiballZ into a watched TMPDIR: the watch proves nothing",
                        stockPayloads > 0);
            }
        } finally {
            WATCHES.forEach(TempDirWatch::close);
            if (runner != null) {
                runner.close();
            }
            TARGETS.forEach(SshTarget::close);
        }
    }

    @Test
    public void engineAgreesWithStock() {
        drainWatches();
        resets += resetsIn(playbook);
        RunResult stock = runner.run(playbook, withSshArgs(Mode.STOCK));
        stockTime = stockTime.plus(stock.duration());
        stockPayloads += payloads(drainWatches()).size();
        Corpus.assertSane(playbook, stock);
        RunResult ours = runner.run(playbook, engineMode);
        engineTime = engineTime.plus(ours.duration());
        List<String> enginePayloads = payloads(drainWatches());
        Corpus.assertSane(playbook, ours);
        String report = new ResultComparator(normaliser(), "stock", "engine").report(stock, ours);
        assertEquals(playbook.getFileName() + ": stock and engine differ on ansible-core 2.19\n" + report
                + "\nengine run:\n" + ours.describe(), "", report);
        assertEquals(playbook.getFileName() + ": through the engine, modules ran from files unpacked on a target",
                List.of(), enginePayloads);
    }

    /**
     * The standard rules plus one: 2.19's copy action writes {@code content=} to
     * {@code tempfile.mkstemp(dir=local_tmp, prefix='.')} (2.14: no prefix, which the standard {@code tmp<random>}
     * rule covers), and the module reports that random name as {@code _original_basename}; two stock runs differ
     * there as much as stock and engine do.
     */
    private static ResultNormaliser normaliser() {
        return ResultNormaliser.standard().withStringRule("^\\.[a-z0-9_]{8}$", ".<random>");
    }

    /** How many times a playbook makes the connection plugin reset (wait_for_connection, meta: reset_connection). */
    private static long resetsIn(Path playbook) {
        try {
            String text = Files.readString(playbook);
            return Pattern.compile("wait_for_connection:|reset_connection").matcher(text).results().count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names created in the targets' temp dirs since the previous call; fails if inotify lost events. */
    private static List<String> drainWatches() {
        List<String> all = new ArrayList<>();
        if (!WATCHES.isEmpty()) {
            WATCHES.get(0).settle(); // one wait covers every watch: it only lets queued events arrive
        }
        for (TempDirWatch w : WATCHES) {
            assertFalse("inotify lost events: the temp-dir check would prove nothing", w.overflowed());
            w.takeCreated().forEach(p -> all.add(p.getFileName().toString()));
        }
        return all;
    }

    private static List<String> payloads(List<String> names) {
        return names.stream().filter(n -> n.matches(PAYLOAD)).collect(Collectors.toList());
    }

    /**
     * {@code -Dcorpus.ssh_args=...}: the whole suite under that [ssh_connection] ssh_args (ANSIBLE_SSH_ARGS) in
     * both runs, e.g. the lines real ansible.cfg files carry (CommonSshArgsVsStockTest has one).
     */
    private static Mode withSshArgs(Mode m) {
        String v = System.getProperty("corpus.ssh_args", "");
        return v.isBlank() ? m : m.withEnv("ANSIBLE_SSH_ARGS", v);
    }
}
