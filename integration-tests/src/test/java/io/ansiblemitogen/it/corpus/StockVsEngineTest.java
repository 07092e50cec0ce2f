package io.ansiblemitogen.it.corpus;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
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
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The differential suite: every corpus playbook runs under stock Ansible (ssh, pipelining) and through the
 * engine, against the same real sshd, and every task result, registered variable and the recap must agree
 * field by field (the normaliser hides only what differs between two stock runs, as StockSelfConsistencyTest
 * shows). One engine serves the whole suite, as a daemon would: it must hold one SSH connection throughout.
 */
@RunWith(Parameterized.class)
public class StockVsEngineTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static CorpusRunner runner;
    private static EmbeddedEngine engine;
    private static Mode engineMode;

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
        engineMode = EngineMode.of(engine);
    }

    @AfterClass
    public static void stop() {
        if (engine != null) {
            long opened = engine.engine().pool().openedCount();
            engine.close();
            // One connection for the whole suite, plus the one wait_for_connection's reset() asks for.
            assertTrue("the engine opened " + opened + " connections to one target over the whole suite",
                    opened <= 2);
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
        RunResult stock = runner.run(playbook, inventory, Mode.STOCK);
        Corpus.assertSane(playbook, stock);
        RunResult ours = runner.run(playbook, inventory, engineMode);
        Corpus.assertSane(playbook, ours);
        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(stock, ours);
        assertEquals(playbook.getFileName() + ": stock and engine differ\n" + report + "\nengine run:\n"
                + ours.describe(), "", report);
    }
}
