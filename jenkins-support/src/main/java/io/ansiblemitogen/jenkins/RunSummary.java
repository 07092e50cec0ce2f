package io.ansiblemitogen.jenkins;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many connections a run reused and opened, from {@code pool_status} before and after it. A target whose
 * request count grew was used; it was opened by the run if it was not pooled before, or if it is younger now
 * than it was (the engine replaced a connection that had died). Runs sharing the daemon at the same time are
 * counted together, as the pool cannot tell them apart.
 */
public record RunSummary(int reused, int opened, long requests) {

    /**
     * Like {@link #between(List, List)}, but when the engine counts the connections it opened, that count is
     * used for "opened": it also covers connections that were opened and lost again during the run, and hops.
     */
    public static RunSummary between(PoolSnapshot before, PoolSnapshot after) {
        RunSummary byTarget = between(before.targets(), after.targets());
        if (before.connectionsOpened() < 0 || after.connectionsOpened() < before.connectionsOpened()) {
            return byTarget; // not reported, or a new daemon (counter restarted): infer from the targets
        }
        return new RunSummary(byTarget.reused(), (int) (after.connectionsOpened() - before.connectionsOpened()),
                byTarget.requests());
    }

    public static RunSummary between(List<TargetStats> before, List<TargetStats> after) {
        Map<String, TargetStats> old = new HashMap<>();
        for (TargetStats t : before) {
            old.put(t.identity(), t);
        }
        int reused = 0;
        int opened = 0;
        long requests = 0;
        for (TargetStats t : after) {
            TargetStats b = old.get(t.identity());
            if (b == null) {
                opened++;
                requests += t.requests();
            } else if (t.ageSeconds() < b.ageSeconds()) {
                // Replaced during the run; its counters may have restarted from zero.
                opened++;
                requests += t.requests() >= b.requests() ? t.requests() - b.requests() : t.requests();
            } else if (t.requests() > b.requests()) {
                reused++;
                requests += t.requests() - b.requests();
            }
        }
        return new RunSummary(reused, opened, requests);
    }

    /** The line for the build console. */
    public String line() {
        return "ansible-mitogen: connections: " + reused + " reused, " + opened + " opened (" + requests
                + " engine requests)";
    }
}
