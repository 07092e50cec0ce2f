package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** Keys from a real OpenSSH ssh-agent (what Jenkins' sshagent step provides), never required. */
public class SshAgentTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Process agent;
    private Path socket;
    private SshTransportFactory factory;

    @Before
    public void startAgent() throws Exception {
        socket = tmp.getRoot().toPath().resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.getRoot().toPath().resolve("agent.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(socket) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue("ssh-agent did not create its socket", Files.exists(socket));
        factory = new SshTransportFactory();
    }

    @After
    public void stopAgent() throws Exception {
        factory.close();
        agent.destroy();
        agent.waitFor(5, TimeUnit.SECONDS);
    }

    private void sshAdd(Path key) throws Exception {
        Path askpass = tmp.getRoot().toPath().resolve("askpass.sh");
        Files.writeString(askpass, "#!/bin/sh\necho '" + SSHD.passphrase() + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("SSH_AUTH_SOCK", socket.toString());
        env.put("SSH_ASKPASS", askpass.toString());
        env.put("SSH_ASKPASS_REQUIRE", "force");
        env.put("DISPLAY", ":0");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(out, 0, p.waitFor());
    }

    private String agentOption() {
        return SSHD.sshCommonArgs() + " -o IdentityAgent=" + socket;
    }

    @Test
    public void agentKeyLogsInWithoutAnyKeyFile() throws Exception {
        sshAdd(SSHD.clientKey());
        try (Transport t = factory.open(SshTargets.to(SSHD).key(null).common(agentOption()).build(), null)) {
            assertTrue(t.isConnected());
        }
    }

    @Test
    public void encryptedKeyWithoutPassphraseIsLeftToTheAgent() throws Exception {
        sshAdd(SSHD.passphraseKey());
        try (Transport t = factory.open(SshTargets.to(SSHD).key(SSHD.passphraseKey().toString())
                .common(agentOption() + " -o IdentitiesOnly=yes").build(), null)) {
            assertTrue(t.isConnected());
        }
    }

    @Test
    public void identitiesOnlyAndIdentityAgentNoneKeepAgentKeysOut() throws Exception {
        sshAdd(SSHD.clientKey());
        Path stranger = tmp.getRoot().toPath().resolve("stranger");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString()).start()
                .waitFor();
        for (String extra : List.of("-o IdentitiesOnly=yes", "-o IdentityAgent=none")) {
            try (Transport t = factory.open(SshTargets.to(SSHD).key(stranger.toString())
                    .common(extra.contains("none") ? SSHD.sshCommonArgs() + " " + extra : agentOption() + " " + extra)
                    .build(), null)) {
                fail("agent key used despite " + extra + ": " + t.describe());
            } catch (TransportException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("Permission denied"));
            }
        }
    }
}
