package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.HostStats;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;

import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

/** Assertions on whole runs. */
final class Runs {
    private Runs() {
    }

    /** Exit 0, every expected host in the recap, none unreachable or failed. */
    static void assertClean(String what, RunResult r, int hosts, SshdFixture sshd) {
        String log = sshd.readLog();
        assertClean(what, r, hosts, () -> "--- sshd log (tail) ---\n" + log.substring(Math.max(0, log.length() - 3000)));
    }

    /** As {@link #assertClean(String, RunResult, int)}, with {@code context} added to a failure's message. */
    static void assertClean(String what, RunResult r, int hosts, java.util.function.Supplier<String> context) {
        try {
            assertClean(what, r, hosts);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + context.get(), e);
        }
    }

    static void assertClean(String what, RunResult r, int hosts) {
        assertFalse(what + " timed out\n" + r.describe(), r.timedOut());
        assertEquals(what + " exit code\n" + r.describe(), 0, r.exitCode());
        assertEquals(what + ": hosts in the recap\n" + r.describe(), hosts, r.recap().size());
        for (Map.Entry<String, HostStats> e : r.recap().entrySet()) {
            assertEquals(what + ": " + e.getKey() + " unreachable\n" + r.describe(), 0, e.getValue().unreachable());
            assertEquals(what + ": " + e.getKey() + " failed\n" + r.describe(), 0, e.getValue().failures());
        }
        assertFalse(what + ": UNREACHABLE in the output\n" + r.describe(), r.stdout().contains("UNREACHABLE"));
    }
}
