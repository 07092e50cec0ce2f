package io.ansiblemitogen.it.corpus;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.it.engine.PayloadWatch;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertTrue;

/**
 * The differential suite: every corpus playbook runs under stock Ansible (ssh, pipelining) and through the
 * engine, against the same real sshd, and every task result, registered variable and the recap must agree
 * field by field (the normaliser hides only what differs between two stock runs, as StockSelfConsistencyTest
 * shows). Through the engine each playbook runs twice: with our strategies as accelerator and with the connection
 * plugins alone (no third-party strategy loaded); both must agree with stock, and both must have gone through the
 * engine whatever strategy the plays name (EngineAgreement). One engine serves the whole suite, as a daemon would:
 * it must hold one SSH connection throughout.
 */
@RunWith(Parameterized.class)
public class StockVsEngineTest {
    @ClassRule
    public static final SshdFixture SSHD = SshdFixture.builder().privateTmp(true).build();

    private static CorpusRunner runner;
    private static EmbeddedEngine engine;
    private static PayloadWatch watch;
    private static EngineAgreement agreement;
    private static int stockPayloads;

    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        return Corpus.parameters();
    }

    private final Path playbook;

    public StockVsEngineTest(String name, Path playbook) {
        this.playbook = playbook;
    }

    @BeforeClass
    public static void start() throws Exception {
        runner = new CorpusRunner();
        engine = new EmbeddedEngine();
        watch = new PayloadWatch(List.of(SSHD.targetTmp()));
        agreement = new EngineAgreement(engine, EngineMode.everyRouting(engine), watch, ResultNormaliser.standard(),
                "2.14");
    }

    @AfterClass
    public static void stop() {
        if (watch != null) {
            watch.close();
            if (Corpus.parameters().size() > 3) {
                assertTrue("stock runs never unpacked AnsiballZ into the target's TMPDIR: the watch proves nothing",
                        stockPayloads > 0);
            }
        }
        if (engine != null) {
            long opened = engine.engine().pool().openedCount();
            engine.close();
            long allowed = agreement.allowedConnections(1);
            assertTrue("the engine opened " + opened + " connections to one target over the whole suite (allowed: "
                    + allowed + ", one plus one per reset)", opened <= allowed);
        }
        if (runner != null) {
            runner.close();
        }
    }

    /** The inventory of every run (a subclass runs the corpus under other connection settings). */
    protected Inventory inventory() {
        return Inventory.forFixture(SSHD, "target");
    }

    @Test
    public void engineAgreesWithStock() {
        Inventory inventory = inventory();
        watch.takePayloads();
        RunResult stock = runner.run(playbook, inventory, Mode.STOCK);
        stockPayloads += watch.takePayloads().size();
        Corpus.assertSane(playbook, stock);
        agreement.check(playbook, stock, mode -> runner.run(playbook, inventory, mode));
    }
}
