package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

public class TimeBreakdownTest {
    private static RunResult run(String w, String s, double wall, long roundTrips) {
        return new RunResult(w, s, "ok", null, wall, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, roundTrips);
    }

    @Test
    public void roundTripsTimesRttAndTheRestPerTaskOfOneHost() {
        Map<String, Workload> cat = Workload.catalogue(false);
        BenchResults.WorkloadInfo hosts = BenchResults.WorkloadInfo.of(cat.get("hosts20-rtt30"));
        // 20 hosts x 20 tasks in 12 s: 600 ms per task; 2400 round trips over 20 hosts = 6 per task, 180 ms
        TimeBreakdown.Split s = TimeBreakdown.split(hosts, run("hosts20-rtt30", "stock", 12.0, 2400),
                java.util.Optional.empty()).orElseThrow();
        assertEquals(600, s.msPerTask(), 1e-9);
        assertEquals(6, s.roundTripsPerTask(), 1e-9);
        assertEquals(180, s.wireMs(), 1e-9);
        assertEquals(420, s.restMs(), 1e-9);
        assertTrue("no 0 ms twin of hosts20-rtt30", Double.isNaN(s.addedMs()));
    }

    @Test
    public void onlyDelayedWorkloadsAreBrokenDown() {
        Map<String, Workload> cat = Workload.catalogue(false);
        List<BenchResults.WorkloadInfo> infos = List.of(BenchResults.WorkloadInfo.of(cat.get("loop100")),
                BenchResults.WorkloadInfo.of(cat.get("loop100-rtt100")));
        BenchResults.Meta meta = new BenchResults.Meta("d", false, null, "c", true, Map.of(), Map.of(),
                Map.of("mitogen", "Mitogen 0.3.54 (x)", "engine", "e"), 1, null);
        BenchResults b = new BenchResults(meta, infos, List.of(run("loop100", "engine", 2, 101),
                run("loop100-rtt100", "engine", 13, 101), run("loop100-rtt100", "mitogen", 30, 205)));
        String md = TimeBreakdown.render(b);
        assertTrue(md, md.contains("| loop100-rtt100 | 100 ms | engine | 130 | 1.0 | 101 | 29 | 110 (vs loop100) |"));
        assertTrue(md, md.contains("| loop100-rtt100 | 100 ms | Mitogen 0.3.54 | 300 | 2.1 | 205 | 95 | - |"));
        assertTrue(md, !md.contains("| loop100 |"));
        assertEquals("", TimeBreakdown.render(new BenchResults(meta, infos.subList(0, 1), b.results())));
    }
}
