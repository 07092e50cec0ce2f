package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.RunResult;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The point of the daemon: a second run of the same playbook against 30 hosts finds every connection and
 * interpreter warm and opens no SSH connection at all (counted by sshd itself, not by the engine).
 */
public class WarmReuseTest {
    private static final int HOSTS = 30;

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static ManyPortSshd targets;
    private static Daemon daemon;
    private static Path inventory;

    @BeforeClass
    public static void start() throws Exception {
        targets = ManyPortSshd.start(HOSTS);
        Path dir = TMP.newFolder("sock").toPath().resolve("d");
        daemon = Daemon.start(dir, "--idle-timeout-seconds", "300");
        inventory = Cli.writeInventory(targets.inventory(), TMP.getRoot().toPath(), "thirty");
    }

    @AfterClass
    public static void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (targets != null) {
            targets.close();
        }
    }

    @Test
    public void secondRunOpensNoConnection() {
        int before = targets.acceptedConnections();
        RunResult cold = Cli.playbook(Cli.playbook("reuse.yml"), inventory, daemon.dir(), "-f", "10");
        Runs.assertClean("cold run", cold, HOSTS, targets::logs);
        int afterCold = targets.acceptedConnections();
        assertEquals("the cold run logs in once per target\n" + cold.describe(), HOSTS, afterCold - before);

        RunResult warm = Cli.playbook(Cli.playbook("reuse.yml"), inventory, daemon.dir(), "-f", "10");
        Runs.assertClean("warm run", warm, HOSTS, targets::logs);
        int afterWarm = targets.acceptedConnections();
        System.out.printf("WarmReuseTest: %d hosts, cold run %d ms (%d SSH logins), warm run %d ms (%d SSH logins)%n",
                HOSTS, cold.duration().toMillis(), afterCold - before, warm.duration().toMillis(),
                afterWarm - afterCold);
        assertEquals("the warm run must open no SSH connection\n" + warm.describe(), 0, afterWarm - afterCold);

        // What `pool status` shows for them: every target, its interpreter, and the work done through it.
        Procs.Output st = Cli.run(60, "pool", "--socket-dir", daemon.dir().toString(), "status");
        System.out.println(st.stdout());
        assertEquals(st.stderr(), 0, st.exitCode());
        assertTrue(st.stdout(), st.stdout().contains(HOSTS + " targets, connections opened " + HOSTS));
        for (int port : targets.ports()) {
            String row = st.stdout().lines().filter(l -> l.contains("@127.0.0.1:" + port + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for port " + port + ":\n" + st.stdout()));
            String[] f = row.trim().split("\\s+");
            // HOST TARGET IDENTITY INTERPRETERS AGE_S IDLE_S REQUESTS BYTES_IN BYTES_OUT
            assertEquals(row, "/usr/bin/python3", f[3]);
            assertTrue(row, Long.parseLong(f[6]) >= 4); // two tasks, two runs
            assertTrue(row, Long.parseLong(f[7]) > 0 && Long.parseLong(f[8]) > 0);
        }
    }
}
