package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.ClassRule;
import org.junit.Test;

import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Four hosts, three workers at a time: the engine's thread workers (the default) and its forked workers
 * (ANSIBLE_MITOGEN_WORKERS=fork) give the same results as stock Ansible, field by field, for tasks that template
 * per host, loop, set facts, copy, delegate, run once, fail on one host, run out of their {@code timeout} and notify
 * handlers. Each run says at -vvv which kind of worker it used, so a fallback to forks cannot pass for threads.
 */
public class WorkersTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static final Path PLAYBOOK =
            Path.of(System.getProperty("basedir", "."), "src/test/resources/engine/workers.yml");

    @Test
    public void threadAndForkWorkersAgreeWithStockAcrossHosts() throws Exception {
        Inventory inventory = Inventory.forFixture(SSHD, "w1", "w2", "w3", "w4");
        try (CorpusRunner runner = new CorpusRunner(); EmbeddedEngine engine = new EmbeddedEngine()) {
            RunResult stock = runner.run(PLAYBOOK, inventory, Mode.STOCK.withArgs("--forks", "3", "-vvv"));
            assertEquals("stock run failed:\n" + stock.describe(), 0, stock.exitCode());
            assertEquals("the handler runs on the three hosts that notified it", 3, stock.task("handle it").size());

            Mode threads = EngineMode.of("threads", engine).withArgs("--forks", "3", "-vvv");
            Mode forks = EngineMode.of("forks", engine).withEnv("ANSIBLE_MITOGEN_WORKERS", "fork")
                    .withArgs("--forks", "3", "-vvv");
            for (Object[] m : new Object[][] {{threads, "threads"}, {forks, "forks"}}) {
                Mode mode = (Mode) m[0];
                RunResult ours = runner.run(PLAYBOOK, inventory, mode);
                assertTrue(mode.name() + " run did not say it used " + m[1] + ":\n" + ours.stdout(),
                        ours.stdout().contains("ansible-mitogen: task workers are " + m[1]));
                String report = new ResultComparator(ResultNormaliser.standard(), "stock", mode.name())
                        .report(stock, ours);
                assertEquals("stock and " + mode.name() + " differ\n" + report + "\n" + mode.name() + " run:\n"
                        + ours.describe(), "", report);
            }
        }
    }

    /** The free strategy queues each host's next task as soon as that host is done: mitogen_free vs stock free. */
    @Test
    public void freeStrategyThreadWorkersAgreeWithStockFree() throws Exception {
        Inventory inventory = Inventory.forFixture(SSHD, "f1", "f2", "f3", "f4");
        try (CorpusRunner runner = new CorpusRunner(); EmbeddedEngine engine = new EmbeddedEngine()) {
            RunResult stock = runner.run(PLAYBOOK, inventory,
                    Mode.STOCK.withEnv("ANSIBLE_STRATEGY", "free").withArgs("--forks", "3"));
            assertEquals("stock run failed:\n" + stock.describe(), 0, stock.exitCode());
            Mode free = EngineMode.of("free-threads", engine).withEnv("ANSIBLE_STRATEGY", "mitogen_free")
                    .withArgs("--forks", "3", "-vvv");
            RunResult ours = runner.run(PLAYBOOK, inventory, free);
            assertTrue("the run did not say it used thread workers:\n" + ours.stdout(),
                    ours.stdout().contains("ansible-mitogen: task workers are threads"));
            String report = new ResultComparator(ResultNormaliser.standard(), "stock free", "mitogen_free")
                    .report(stock, ours);
            assertEquals("stock free and mitogen_free differ\n" + report + "\nrun:\n" + ours.describe(), "", report);
        }
    }
}
