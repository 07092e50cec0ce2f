package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.testkit.TaskResult;
import org.junit.ClassRule;
import org.junit.Test;

import java.nio.file.Path;

import static org.junit.Assert.assertEquals;

/**
 * AnsibleModule.run_command always hands subprocess a preexec_fn, which makes it fork the whole interpreter; the
 * agent drops that preexec_fn when it would do nothing (no umask asked for), so the command starts with vfork
 * (agent core.py {@code _NoopPreexec}). The probe module counts the parent's fork hooks: stock forks for every
 * command, the engine only for the one that asks for a umask. What the command sees (umask, environment, output,
 * exit status) is the same as under stock.
 */
public class CommandSpawnTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static final Path PLAYBOOK =
            Path.of(System.getProperty("basedir", "."), "src/test/resources/engine/run_command_spawn.yml");

    @Test
    public void commandsWithoutUmaskSkipTheForkAndSeeWhatStockSees() throws Exception {
        Inventory inventory = Inventory.forFixture(SSHD, "target");
        try (CorpusRunner runner = new CorpusRunner(); EmbeddedEngine engine = new EmbeddedEngine()) {
            RunResult stock = runner.run(PLAYBOOK, inventory, Mode.STOCK);
            assertEquals("stock run failed:\n" + stock.describe(), 0, stock.exitCode());
            RunResult ours = runner.run(PLAYBOOK, inventory, EngineMode.of(engine));
            assertEquals("engine run failed:\n" + ours.describe(), 0, ours.exitCode());
            for (String task : new String[] {"plain", "with umask", "plain again"}) {
                TaskResult s = stock.task(task, "target");
                TaskResult e = ours.task(task, "target");
                for (String field : new String[] {"rc", "out", "err"}) {
                    assertEquals(task + ": " + field, s.field(field), e.field(field));
                }
                assertEquals(task + ": stock forks for every command", 1, s.field("forks").asInt());
            }
            assertEquals("0027\nenvironment passed\n", stock.task("with umask", "target").field("out").asText());
            assertEquals("no fork without a umask", 0, ours.task("plain", "target").field("forks").asInt());
            assertEquals("no fork without a umask", 0, ours.task("plain again", "target").field("forks").asInt());
            assertEquals("a umask keeps the preexec_fn, so a fork", 1,
                    ours.task("with umask", "target").field("forks").asInt());
        }
    }
}
