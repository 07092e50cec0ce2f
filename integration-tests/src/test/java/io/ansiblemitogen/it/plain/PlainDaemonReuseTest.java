package io.ansiblemitogen.it.plain;

import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Plain runs in a row, configured only by ansible.cfg: the first starts the user's daemon, which outlives it;
 * the second playbook run and an ad-hoc {@code ansible all -m ping} reuse its SSH connection, so the target's
 * sshd accepts exactly one connection in total.
 */
public class PlainDaemonReuseTest {
    private static final String PLAY = "- hosts: all\n  gather_facts: false\n  tasks:\n"
            + "    - name: a module\n      command: echo run-{{ run }}\n      register: out\n"
            + "    - name: a file\n      copy:\n        content: \"{{ out.stdout }}\\n\"\n        dest: \"{{ dest }}\"\n";

    @Rule
    public final SshdFixture sshd = new SshdFixture();

    private PlainAnsible plain;

    @Before
    public void setUp() throws Exception {
        plain = PlainAnsible.create();
        Inventory.forFixture(sshd, "target").write(plain.project.resolve("inventory.yml"));
        Files.writeString(plain.project.resolve("play.yml"), PLAY);
    }

    @After
    public void tearDown() {
        if (plain != null) {
            plain.closeExpectingNoDaemon();
        }
    }

    @Test
    public void twoPlaybookRunsAndAnAdHocPingShareOneDaemonAndOneConnection() throws Exception {
        String dest = plain.base.resolve("out.txt").toString();
        for (int run = 1; run <= 2; run++) {
            PlainAnsible.Result r = plain.runInProject(List.of("ansible-playbook", "-i", "inventory.yml",
                    "-e", "run=" + run, "-e", "dest=" + dest, "play.yml"), Map.of());
            assertEquals(r.toString(), 0, r.exitCode());
            assertTrue(r.toString(), r.stdout().contains("target                     : ok=2    changed=2"));
            assertEquals("run-" + run + "\n", Files.readString(plain.base.resolve("out.txt")));
            assertEquals("the daemon outlives the run that started it", 1, plain.daemons().size());
        }
        PlainAnsible.Result ping = plain.runInProject(List.of("ansible", "all", "-i", "inventory.yml", "-m", "ping"),
                Map.of());
        assertEquals(ping.toString(), 0, ping.exitCode());
        assertTrue(ping.toString(), ping.stdout().contains("target | SUCCESS"));
        assertTrue(ping.toString(), ping.stdout().contains("\"ping\": \"pong\""));

        assertEquals("one daemon started, by the first run", 1, plain.daemonStarts());
        ProcessHandle daemon = plain.daemons().get(0);
        assertEquals("the daemon has its own session, so ending a run or Ctrl-C does not stop it",
                daemon.pid(), sessionId(daemon));
        assertEquals("sshd accepted connections over three plain runs\n" + sshd.readLog(), 1,
                sshd.acceptedConnections());
        assertTrue("ad-hoc ping went through the daemon", plain.requestsServed() >= 5);
    }

    /** Field 6 of /proc/PID/stat (after the parenthesised command name). */
    private static long sessionId(ProcessHandle h) throws Exception {
        String stat = Files.readString(java.nio.file.Path.of("/proc", String.valueOf(h.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[3]);
    }
}
