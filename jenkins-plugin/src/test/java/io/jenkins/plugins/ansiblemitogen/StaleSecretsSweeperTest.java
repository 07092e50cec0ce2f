package io.jenkins.plugins.ansiblemitogen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Secrets left by a run that a controller restart interrupted are deleted when the agent comes online. */
@WithJenkins
class StaleSecretsSweeperTest {
    @Test
    void anAgentComingOnlineDeletesTheSecretsOfDeadRuns(JenkinsRule r) throws Exception {
        Process p = new ProcessBuilder("true").start();
        long start = p.toHandle().info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        p.waitFor();
        // The agent's temp dir is this machine's: what the agent JVM's java.io.tmpdir is by default.
        Path stale = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
                "ansible-mitogen-secrets-");
        Files.writeString(stale.resolve("owner"), p.pid() + " " + start + " dead-run\n");
        Files.writeString(stale.resolve("ssh-key"), "KEY");
        Path live = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
                "ansible-mitogen-secrets-");
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(live.resolve("owner"), self.pid() + " "
                + self.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) + " other-loader\n");
        try {
            r.createOnlineSlave();
            assertFalse(Files.exists(stale), "deleted when the agent came online: " + stale);
            // This test JVM is alive; to the agent's JVM it is another process, so its directory stays.
            assertTrue(Files.exists(live));
        } finally {
            Files.deleteIfExists(live.resolve("owner"));
            Files.deleteIfExists(live);
        }
    }
}
