package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshKeys;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Who may share a pooled connection: a run with another key for the same host and user gets a connection of
 * its own; a run with the same key content at another path reuses (the identity holds the key's digest, not
 * its path), and new content at a known path does not. Two runs at once on one daemon both succeed.
 */
public class IdentityTest {
    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static SshdFixture sshd;
    private static Daemon daemon;
    private static Path keys;

    @BeforeClass
    public static void start() throws Exception {
        sshd = SshdFixture.builder().start();
        keys = TMP.newFolder("keys").toPath();
        // Three keys the server accepts for the same user, used by no other test here (so the counts below
        // do not depend on the order the tests run in).
        for (String name : List.of("a", "b", "c")) {
            SshKeys.ed25519(keys.resolve(name), "", name);
            Files.writeString(sshd.authorizedKeys(), Files.readString(SshKeys.pub(keys.resolve(name))),
                    java.nio.file.StandardOpenOption.APPEND);
        }
        daemon = Daemon.start(TMP.getRoot().toPath().resolve("sock"), "--idle-timeout-seconds", "300");
    }

    @AfterClass
    public static void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private static RunResult runWithKey(Path key, String name) {
        Inventory inv = Inventory.forFixture(sshd, "target").hostVar("target", "ansible_ssh_private_key_file",
                key.toString());
        Path file = Cli.writeInventory(inv, TMP.getRoot().toPath(), name);
        RunResult r = Cli.playbook(Cli.playbook("reuse.yml"), file, daemon.dir());
        Runs.assertClean(name, r, 1, sshd);
        return r;
    }

    @Test
    public void connectionsFollowKeyContentNotPath() throws Exception {
        int l0 = sshd.acceptedConnections();
        runWithKey(keys.resolve("a"), "key-a");
        int l1 = sshd.acceptedConnections();
        assertEquals("first run with key A logs in", 1, l1 - l0);

        runWithKey(keys.resolve("b"), "key-b");
        int l2 = sshd.acceptedConnections();
        assertEquals("another key for the same host and user must get its own connection", 1, l2 - l1);

        Path copy = keys.resolve("copy-of-a");
        Files.copy(keys.resolve("a"), copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        runWithKey(copy, "key-a-elsewhere");
        int l3 = sshd.acceptedConnections();
        assertEquals("key A's content at another path must reuse key A's connection", 0, l3 - l2);

        // The same path now holds another key: that is another identity, whatever the name says.
        Files.copy(keys.resolve("c"), copy, StandardCopyOption.REPLACE_EXISTING);
        runWithKey(copy, "key-c-at-a-path");
        int l4 = sshd.acceptedConnections();
        assertEquals("new content at a known path must get its own connection", 1, l4 - l3);

        Procs.Output st = Cli.run(60, "pool", "--socket-dir", daemon.dir().toString(), "status");
        System.out.println(st.stdout());
        long rows = st.stdout().lines().filter(l -> l.contains("@127.0.0.1:" + sshd.port() + " ")).count();
        assertTrue("at least keys A, B and C hold a connection each to one host and user:\n" + st.stdout(),
                rows >= 3);
    }

    @Test
    public void twoRunsAtOnceBothSucceed() throws Exception {
        // Two ansible-playbook processes, each with three aliases of one identity: six workers' requests
        // interleave on the daemon, and on one pooled connection.
        Path[] inventories = new Path[2];
        for (int i = 0; i < 2; i++) {
            Inventory inv = Inventory.forFixture(sshd, "p" + i + "a", "p" + i + "b", "p" + i + "c");
            inventories[i] = Cli.writeInventory(inv, TMP.getRoot().toPath(), "parallel-" + i);
        }
        int before = sshd.acceptedConnections();
        CompletableFuture<RunResult> first = CompletableFuture.supplyAsync(
                () -> Cli.playbook(Cli.playbook("parallel.yml"), inventories[0], daemon.dir()));
        CompletableFuture<RunResult> second = CompletableFuture.supplyAsync(
                () -> Cli.playbook(Cli.playbook("parallel.yml"), inventories[1], daemon.dir()));
        RunResult a = first.get();
        RunResult b = second.get();
        Runs.assertClean("first of two parallel runs", a, 3, sshd);
        Runs.assertClean("second of two parallel runs", b, 3, sshd);
        int logins = sshd.acceptedConnections() - before;
        assertTrue("both runs' hosts are one identity: at most one login between them, not " + logins,
                logins <= 1);
        for (RunResult r : List.of(a, b)) {
            assertEquals("six tasks on three hosts\n" + r.describe(), 6 * 3, r.tasks().size());
        }
    }
}
