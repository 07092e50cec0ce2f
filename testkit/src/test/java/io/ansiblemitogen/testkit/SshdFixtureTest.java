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
}
