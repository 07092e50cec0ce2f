package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Test;

public class GoalsTest {
    private static RunResult ok(String w, String s, double wall) {
        return ReportTest.ok(w, s, wall, 1, 0, 0, 1, 1);
    }

    private static BenchResults results(List<RunResult> r) {
        Map<String, Workload> cat = Workload.catalogue(false);
        List<BenchResults.WorkloadInfo> infos = new ArrayList<>();
        for (String n : List.of("floor", "cmd100", "loop100", "loop100-rtt100", "stage30", "stage30-warm",
                "copy200m")) {
            infos.add(BenchResults.WorkloadInfo.of(cat.get(n)));
        }
        BenchResults.Meta meta = new BenchResults.Meta("d", false, null, "c", true, Map.of(), Map.of(),
                Map.of("stock", "s", "mitogen", "Mitogen 0.3.54 (x)", "engine", "e"), 1, null);
        return new BenchResults(meta, infos, r);
    }

    private static Goals.Goal find(BenchResults b, String part) {
        List<Goals.Goal> hits = Goals.evaluate(b).stream().filter(g -> g.goal().contains(part)).toList();
        assertEquals(part + " in " + Goals.evaluate(b), 1, hits.size());
        return hits.get(0);
    }

    @Test
    public void loopAtLatencyIsJudgedAgainstItselfAtZeroAndAgainstMitogen() {
        BenchResults b = results(List.of(ok("loop100", "engine", 2.0), ok("loop100-rtt100", "engine", 3.0),
                ok("loop100-rtt100", "mitogen", 14.0)));
        Goals.Goal self = find(b, "at most 1.5x the same loop at 0 ms");
        assertEquals(Goals.MET, self.status()); // exactly 1.5x
        assertEquals("1.50x (3.00 s vs 2.00 s)", self.figure());
        Goals.Goal vsMitogen = find(b, "100-item loop at 100 ms RTT: at most 0.2x Mitogen 0.3.54's");
        assertEquals(Goals.MISSED, vsMitogen.status()); // 3 / 14 = 0.21
        BenchResults slower = results(List.of(ok("loop100", "engine", 2.0), ok("loop100-rtt100", "engine", 3.1)));
        assertEquals(Goals.MISSED, find(slower, "at most 1.5x the same loop").status());
        assertEquals(Goals.NOT_MEASURED, find(slower, "RTT: at most 0.2x").status());
    }

    @Test
    public void everyOtherWorkloadHasAHalfOfMitogenGoalAndTheStricterOnesAreNotDoubled() {
        BenchResults b = results(List.of(ok("cmd100", "engine", 5.0), ok("cmd100", "mitogen", 10.0),
                ok("floor", "engine", 6.0), ok("floor", "mitogen", 10.0)));
        assertEquals(Goals.MET, find(b, "cmd100: at most 0.5x Mitogen 0.3.54's wall time").status());
        assertEquals(Goals.MISSED, find(b, "floor: at most 0.5x").status());
        assertEquals(Goals.NOT_MEASURED, find(b, "loop100: at most 0.5x").status());
        for (Goals.Goal g : Goals.evaluate(b)) {
            assertFalse(g.goal(), g.goal().startsWith("loop100-rtt100:") || g.goal().startsWith("stage30-warm:"));
        }
    }

    @Test
    public void floorStageAndCopyGoals() {
        long size = 200L << 20;
        BenchResults b = results(List.of(ok("cmd100", "engine", 2.7), ok("floor", "stock", 2.7),
                ok("stage30-warm", "engine", 2.0), ok("stage30", "mitogen", 9.0),
                new RunResult("copy200m", "engine", "ok", null, 6, 1, 0, 0, 1, 1, 0, 0, 0, size, 4.0, 0),
                new RunResult("copy200m", "scp", "ok", null, 4, 1, 0, 0, 1, 1, 0, 0, 0, size, 3.3, 0)));
        assertEquals(Goals.MET, find(b, "at most 1.0x stock's own floor").status()); // equal is met
        // Mitogen keeps nothing between runs: its cold stage stands for its warm one
        assertEquals(Goals.MISSED, find(b, "Warm stage").status()); // 2 / 9 = 0.22
        Goals.Goal copy = find(b, "80% of scp");
        assertEquals(Goals.MET, copy.status()); // 3.3 / 4.0 = 82.5%
        assertTrue(copy.figure(), copy.figure().endsWith("(83%)"));
    }

    @Test
    public void failedRunsAreNotMeasuredNotMet() {
        BenchResults b = results(List.of(ok("cmd100", "mitogen", 10.0),
                new RunResult("cmd100", "engine", "failed", "exit 2", 1.0, 1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 0)));
        assertEquals(Goals.NOT_MEASURED, find(b, "cmd100: at most 0.5x").status());
    }
}
