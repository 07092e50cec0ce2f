package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * A pooled connection that died while idle (its sshd session killed, or the whole server restarted) is found
 * dead and replaced on next use: the next run succeeds with no host UNREACHABLE, and logs in again once.
 */
public class DeadConnectionTest {
    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static SshdFixture sshd;
    private static Daemon daemon;
    private static Path inventory;

    @BeforeClass
    public static void start() throws Exception {
        sshd = SshdFixture.builder().start();
        // Probe a connection idle for 1 s (not 10), and give its ping 3 s: the frozen-peer case below waits that.
        daemon = Daemon.start(TMP.getRoot().toPath().resolve("sock"), java.util.Map.of("ANSIBLE_MITOGEN_JAVA_OPTS",
                "-Dansible.mitogen.probeAfterMs=1000 -Dansible.mitogen.probeTimeoutMs=3000"),
                "--idle-timeout-seconds", "300");
        inventory = Cli.writeInventory(Inventory.forFixture(sshd, "target"), TMP.getRoot().toPath(), "one");
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

    private static int run(String what) {
        int before = sshd.acceptedConnections();
        RunResult r = Cli.playbook(Cli.playbook("reuse.yml"), inventory, daemon.dir());
        Runs.assertClean(what, r, 1, sshd);
        return sshd.acceptedConnections() - before;
    }

    @Test
    public void deadConnectionIsReplacedOnNextUse() throws Exception {
        assertEquals("first run logs in", 1, run("first run"));
        assertEquals("second run reuses", 0, run("warm run"));

        // The session's sshd process (and the interpreter under it) dies; the listener stays.
        int killed = killSessions();
        assertTrue("no sshd session process to kill", killed > 0);
        assertEquals("a run after the session died logs in again, once", 1, run("run after the session died"));

        // The peer freezes: the TCP connection stays open, nothing answers on it (as after a NAT forgot it, or
        // a host lost power). The ping before reuse finds it dead; the run opens a new one.
        List<ProcessHandle> frozen = sessions();
        signal("STOP", frozen);
        try {
            Thread.sleep(1500);
            assertEquals("a run after the peer froze logs in again, once", 1, run("run after the peer froze"));
        } finally {
            signal("KILL", frozen);
        }

        // The whole server goes away and comes back on the same port.
        sshd.restart();
        assertEquals("a run after sshd restarted logs in again, once", 1, run("run after sshd restarted"));
        assertEquals("and the next one reuses that", 0, run("warm run after restart"));
    }

    /** Kills every per-connection process of the sshd (its children), not the listener. */
    private static int killSessions() throws Exception {
        List<ProcessHandle> sessions = sessions();
        for (ProcessHandle s : sessions) {
            Procs.killTree(s);
        }
        return sessions.size();
    }

    /** The sshd's per-connection processes and everything under them (the interpreters). */
    private static List<ProcessHandle> sessions() throws Exception {
        long pid = Long.parseLong(Files.readString(sshd.dir().resolve("sshd.pid")).trim());
        ProcessHandle listener = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no sshd " + pid));
        List<ProcessHandle> all = new java.util.ArrayList<>();
        listener.children().forEach(c -> {
            all.add(c);
            c.descendants().forEach(all::add);
        });
        return all;
    }

    private static void signal(String sig, List<ProcessHandle> procs) {
        for (ProcessHandle h : procs) {
            Procs.run(List.of("kill", "-" + sig, Long.toString(h.pid())), null, 10);
        }
    }
}
