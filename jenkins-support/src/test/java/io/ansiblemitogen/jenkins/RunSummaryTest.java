package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;

public class RunSummaryTest {
    private static TargetStats t(String id, double age, long requests) {
        return new TargetStats(id, id, 22, "u", 1, age, requests, 0, 0);
    }

    @Test
    public void countsReusedOpenedAndReplacedTargets() {
        List<TargetStats> before = List.of(t("a", 100, 10), t("b", 100, 5), t("idle", 100, 3), t("dead", 100, 8));
        List<TargetStats> after = List.of(t("a", 130, 25), t("b", 130, 6), t("idle", 130, 3), t("dead", 2, 4),
                t("new", 20, 7));
        RunSummary s = RunSummary.between(before, after);
        assertEquals(2, s.reused());
        assertEquals(2, s.opened());
        assertEquals(15 + 1 + 4 + 7, s.requests());
        assertEquals("ansible-mitogen: connections: 2 reused, 2 opened (27 engine requests)", s.line());
    }

    @Test
    public void theEnginesOpenedCounterWinsWhenReported() {
        List<TargetStats> before = List.of(t("a", 100, 10));
        List<TargetStats> after = List.of(t("a", 130, 12), t("b", 3, 2));
        assertEquals(new RunSummary(1, 3, 4), RunSummary.between(new PoolSnapshot(before, 5),
                new PoolSnapshot(after, 8)));
        // A daemon restarted between the snapshots restarts its counter: fall back to the targets.
        assertEquals(new RunSummary(1, 1, 4), RunSummary.between(new PoolSnapshot(before, 5),
                new PoolSnapshot(after, 1)));
        // An engine that does not report the counter.
        assertEquals(new RunSummary(1, 1, 4), RunSummary.between(new PoolSnapshot(before, -1),
                new PoolSnapshot(after, 8)));
    }

    @Test
    public void coldPoolOpensEverything() {
        RunSummary s = RunSummary.between(List.of(), List.of(t("a", 3, 4), t("b", 3, 4)));
        assertEquals(new RunSummary(0, 2, 8), s);
    }
}
