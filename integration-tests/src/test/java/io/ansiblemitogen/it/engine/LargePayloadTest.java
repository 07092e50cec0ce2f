package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.server.MessageIO;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.testkit.TaskResult;
import org.junit.ClassRule;
import org.junit.Test;

import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Large module arguments and file content, stock vs engine (issue 21): 25,000,000 characters (past Jackson's
 * default string limit, which failed with "the engine closed the connection") and 60,000,000 (near the engine's
 * 64 MiB per request) agree field by field. Past the limit the engine fails that task with a message naming the
 * limit and the module, and goes on serving; stock has no such limit (docs/protocol.md "Limits").
 */
public class LargePayloadTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static final Path PLAYBOOK =
            Path.of(System.getProperty("basedir", "."), "src/test/resources/engine/large_payload.yml");

    @Test
    public void argumentsAndContentUpToTheFrameLimitAgreeWithStock() throws Exception {
        Inventory inventory = Inventory.forFixture(SSHD, "big");
        try (CorpusRunner runner = new CorpusRunner(); EmbeddedEngine engine = new EmbeddedEngine()) {
            for (int size : new int[] {25_000_000, 60_000_000}) {
                Mode stockMode = Mode.STOCK.withArgs("-e", "size=" + size);
                RunResult stock = runner.run(PLAYBOOK, inventory, stockMode);
                assertEquals("stock run failed:\n" + stock.describe(), 0, stock.exitCode());
                RunResult ours = runner.run(PLAYBOOK, inventory,
                        EngineMode.of("engine-" + size, engine).withArgs("-e", "size=" + size));
                String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine")
                        .report(stock, ours);
                assertEquals("stock and engine differ at " + size + " characters\n" + report, "", report);
                assertEquals(String.valueOf(size),
                        ours.task("a module argument of size characters", "big").field("stdout").asText());
            }
        }
    }

    @Test
    public void pastTheFrameLimitTheTaskFailsNamingTheLimit() throws Exception {
        Inventory inventory = Inventory.forFixture(SSHD, "huge");
        try (CorpusRunner runner = new CorpusRunner(); EmbeddedEngine engine = new EmbeddedEngine()) {
            int size = MessageIO.MAX_MESSAGE + 1_000_000;
            RunResult ours = runner.run(PLAYBOOK, inventory,
                    EngineMode.of("engine-over", engine).withArgs("-e", "size=" + size));
            TaskResult r = ours.task("a module argument of size characters", "huge");
            assertEquals(ours.describe(), "failed", r.status());
            String msg = r.field("msg").asText();
            assertTrue(msg, msg.contains("exec_module ansible.modules.command"));
            assertTrue(msg, msg.contains("limit of " + MessageIO.MAX_MESSAGE + " bytes"));
            assertEquals("the engine went on serving the rest of the run", 2, ours.exitCode());
        }
    }
}
