package io.ansiblemitogen.testkit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

/** Against the real /usr/sbin/sshd and ssh client. */
public class SshdFixtureTest {

    private static Procs.Output ssh(SshdFixture sshd, String user, Path key, String command) {
        return Procs.run(List.of("ssh", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o",
                "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + sshd.knownHosts(), "-i", key.toString(),
                "-p", String.valueOf(sshd.port()), user + "@" + sshd.host(), command), null, 30);
    }

    @Test
    public void logsInWithTheClientKeyCountsAndRestarts() throws Exception {
        Path dir;
        int port;
        try (SshdFixture sshd = SshdFixture.builder().start()) {
            dir = sshd.dir();
            port = sshd.port();
            Procs.Output o = ssh(sshd, sshd.userName(), sshd.clientKey(), "echo hello; id -un");
            assertEquals(o.stderr(), 0, o.exitCode());
            assertEquals("hello\n" + sshd.userName() + "\n", o.stdout());
            assertEquals(1, sshd.acceptedConnections());
            assertEquals(1, sshd.sessionsStarted());

            sshd.restart();
            assertEquals(port, sshd.port());
            assertEquals(0, ssh(sshd, sshd.userName(), sshd.clientKey(), "true").exitCode());
            assertEquals(2, sshd.acceptedConnections());
            assertEquals(2, sshd.connectionsOpened());
        }
        assertFalse("throwaway directory removed", Files.exists(dir));
        try (Socket s = new Socket("127.0.0.1", port)) {
            throw new AssertionError("port " + port + " still accepts connections after close");
        } catch (ConnectException expected) {
            // refused: sshd is gone
        }
    }

    @Test
    public void passphraseKeyNeedsItsPassphrase() {
        try (SshdFixture sshd = SshdFixture.builder().start()) {
            Path k = sshd.passphraseKey();
            assertNotEquals(0, Procs.run(List.of("ssh-keygen", "-y", "-P", "wrong", "-f", k.toString()), null, 10)
                    .exitCode());
            String pub = Procs.check(List.of("ssh-keygen", "-y", "-P", sshd.passphrase(), "-f", k.toString()), null);
            assertTrue(pub, pub.startsWith("ssh-ed25519 "));
        }
    }

    @Test
    public void otherAccountsLogInWithTheSameKeys() {
        String user = "tkfixture";
        TestAccounts.ensureUser(user, null);
        TestAccounts.ensureUser(user, null); // idempotent
        try (SshdFixture sshd = SshdFixture.builder().permitRootLogin("prohibit-password").start()) {
            Procs.Output o = ssh(sshd, user, sshd.clientKey(), "id -un");
            assertEquals(o.stderr(), 0, o.exitCode());
            assertEquals(user + "\n", o.stdout());
        } finally {
            TestAccounts.removeUser(user);
        }
        assertFalse(TestAccounts.exists(user));
    }

    @Test
    public void passwordLoginWhenEnabled() throws Exception {
        String user = "tkpassword";
        TestAccounts.ensureUser(user, "right horse");
        Path askpass = Files.createTempFile("askpass", ".sh");
        try (SshdFixture sshd = SshdFixture.builder().passwordAuthentication(true).start()) {
            assertEquals(user + "\n", passwordSsh(sshd, user, askpass, "right horse").stdout());
            assertNotEquals(0, passwordSsh(sshd, user, askpass, "wrong horse").exitCode());
            assertEquals(1, sshd.acceptedConnections());
        } finally {
            Files.deleteIfExists(askpass);
            TestAccounts.removeUser(user);
        }
    }

    /** ssh reads the password from SSH_ASKPASS (forced: no terminal here). */
    private static Procs.Output passwordSsh(SshdFixture sshd, String user, Path askpass, String password)
            throws Exception {
        Files.writeString(askpass, "#!/bin/sh\necho '" + password + "'\n");
        askpass.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("setsid", "-w", "ssh", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1",
                "-o", "UserKnownHostsFile=" + sshd.knownHosts(), "-o", "StrictHostKeyChecking=yes",
                "-p", String.valueOf(sshd.port()), user + "@" + sshd.host(), "id -un");
        pb.environment().put("SSH_ASKPASS", askpass.toString());
        pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
        pb.environment().put("DISPLAY", ":0");
        Path out = Files.createTempFile("ssh", ".out");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            assertTrue("ssh finished", p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            return new Procs.Output(p.exitValue(), Files.readString(out), "");
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
