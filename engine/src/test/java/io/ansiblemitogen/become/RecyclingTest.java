package io.ansiblemitogen.become;

import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.transport.LocalTransport;
import org.junit.After;
import org.junit.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

/** Sixty become users in a row against one target stay within MITOGEN_MAX_INTERPRETERS, and root survives. */
public class RecyclingTest {
    private Engine engine;

    @After
    public void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private String sh(TargetSpec t, String user, String cmd) throws Exception {
        ExecResult r = engine.execCommand(t, new BecomeSpec("sudo", user, null, null, "-H -S -n"), cmd, null, null);
        assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return new String(r.stdout(), StandardCharsets.UTF_8).strip();
    }

    @Test
    public void sixtyBecomeUsersStayWithinTheLimitAndTheEarlyAccountSurvives() throws Exception {
        assumeTrue("needs root to create users and sudo without a password", TestAccounts.isRoot());
        for (int i = 1; i <= 60; i++) {
            TestAccounts.user(String.format("amtest%02d", i), null);
        }
        engine = new Engine((spec, via) -> new LocalTransport());
        TargetSpec t = new TargetSpec("local", "many", "localhost", null, null, null, null, null, null, null, null,
                null, null, TestAccounts.PYTHON, null);
        String rootPid = sh(t, "root", "echo $PPID");
        TargetConnection conn = engine.pool().snapshot().get(0);
        int limit = InterpreterLimit.DEFAULT;
        conn.children().setLimit(limit);
        int peak = 0;
        int processPeak = 0;
        long start = System.nanoTime();
        for (int i = 1; i <= 60; i++) {
            String user = String.format("amtest%02d", i);
            assertEquals(user, sh(t, user, "id -un"));
            peak = Math.max(peak, conn.interpreterCount());
            processPeak = Math.max(processPeak, becomeProcesses());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue("peak " + peak + " interpreters, limit " + limit, peak <= limit);
        assertTrue("the process table agrees: " + processPeak + " become interpreters at most",
                processPeak <= limit - 1 && processPeak >= limit - 3);
        assertEquals("root, become first, was never recycled", rootPid, sh(t, "root", "echo $PPID"));
        // login + root + 60 users, 20 at a time: 42 children were shut down along the way.
        assertEquals(62 - limit, conn.children().retiredCount());
        System.out.println("recycling: 60 become users in " + ms + " ms, peak " + peak + " interpreters (" + processPeak
                + " become processes), "
                + conn.children().retiredCount() + " recycled");
    }

    /**
     * Become interpreters alive on this machine right now, counted from the process table. An interpreter's fork
     * server and its ready child run the same command line, but their parent is that interpreter (or init, for a
     * retired interpreter's, for the moment it takes them to see it gone): only processes whose parent is neither
     * an agent nor init count.
     */
    private static int becomeProcesses() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ps", "-eo", "pid=,ppid=,user=,args=").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        java.util.Map<String, String[]> agents = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+", 4);
            if (f.length == 4 && f[3].startsWith(TestAccounts.PYTHON) && f[3].contains("AMITO-BOOT")) {
                agents.put(f[0], f);
            }
        }
        int n = 0;
        for (String[] f : agents.values()) {
            // ppid 1: the fork server of a retired interpreter, orphaned until it sees its control socket close
            if (!agents.containsKey(f[1]) && !f[1].equals("1") && (f[2].startsWith("amtest") || f[2].equals("root"))) {
                n++;
            }
        }
        return n;
    }
}
