package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.corpus.Corpus;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.Test;

import java.nio.file.Path;

import static org.junit.Assert.assertEquals;

/**
 * An engine that kept its interpreter from an earlier run, against a target whose sshd was stopped and started
 * again in between while the earlier session stayed alive (as {@code systemctl restart ssh} leaves it): the next
 * run must be served in a session of the new server, as stock's fresh logins are (a new login can live in another
 * mount namespace, with another private /tmp, and gets the new server's environment). The new server here sets
 * AMT_SERVER, which the old session lacks.
 */
public class RestartedSshdTest {
    @Test
    public void aRunAfterSshdRestartedIsServedByANewLogin() throws Exception {
        Path playbook = Corpus.dir().resolveSibling("daemon").resolve("restarted_sshd.yml");
        try (SshdFixture sshd = SshdFixture.builder().start();
                CorpusRunner runner = new CorpusRunner();
                EmbeddedEngine engine = new EmbeddedEngine()) {
            Inventory inventory = Corpus.inventory(sshd, "target");
            Mode ours = EngineMode.of(engine);
            RunResult warm = runner.run(playbook, inventory, ours);
            assertEquals("first run\n" + warm.describe(), 0, warm.exitCode());
            assertEquals("server=first", warm.task("raw sees the new server's session").get(0)
                    .field("stdout").asText().trim());

            sshd.restartListener("SetEnv AMT_SERVER=second");
            // A connection is re-checked once it sat idle for the probe time (ConnectionPool.PROBE_AFTER_MS).
            Thread.sleep(11_000);

            RunResult stock = runner.run(playbook, inventory, Mode.STOCK);
            assertEquals("server=second", stock.task("raw sees the new server's session").get(0)
                    .field("stdout").asText().trim());
            RunResult after = runner.run(playbook, inventory, ours);
            String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(stock, after);
            assertEquals("after sshd restarted: stock and engine differ\n" + report + "\nengine run:\n"
                    + after.describe(), "", report);
        }
    }
}
