package io.ansiblemitogen.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class RepeatsTest {
    private static RunResult run(String status, double wall, double cpu, String note) {
        return new RunResult("cmd100", "engine", status, note, wall, cpu, 100, 10, 1, 1, 0, 0, 0, 0, 0, 0);
    }

    @Test
    public void theMedianRunByWallTimeStandsForAllWithEveryRunsWallAndCpuInItsNote() {
        RunResult r = Repeats.representative(List.of(run("ok", 5.3, 4.0, null), run("ok", 4.8, 9.0, null),
                run("ok", 5.0, 3.0, null)));
        assertEquals(5.0, r.wallSeconds(), 0);
        assertEquals("every column comes from the median run", 3.0, r.cpuSeconds(), 0);
        assertEquals("median of 3 runs by wall time; spread 4.80 to 5.30 s (slowest 1.10x the fastest); wall times "
                + "in run order: 5.30, 4.80, 5.00 s; controller CPU: "
                + "4.00, 9.00, 3.00 s", r.note());
    }

    @Test
    public void anEvenCountTakesTheSlowerOfTheMiddleTwo() {
        assertEquals(5.2, Repeats.representative(List.of(run("ok", 4.0, 1, null), run("ok", 5.2, 1, null)))
                .wallSeconds(), 0);
    }

    @Test
    public void aFailedRunIsNeverOutvoted() {
        RunResult r = Repeats.representative(List.of(run("ok", 5.0, 1, null), run("failed", 9.0, 1, "exit 2"),
                run("ok", 5.1, 1, null)));
        assertEquals("failed", r.status());
        assertEquals("run 2 of 3: exit 2", r.note());
    }

    @Test
    public void oneRunIsItself() {
        RunResult only = run("ok", 5.0, 1, "reference");
        assertEquals(only, Repeats.representative(List.of(only)));
    }

    @Test
    public void resultsWrittenBeforeRepeatsExistedReadAsOneRunPerFigure() throws Exception {
        String json = "{\"date\":\"d\",\"quick\":false,\"note\":null,\"command\":\"c\",\"hostKeyChecking\":true,"
                + "\"machine\":{},\"versions\":{},\"systems\":{}}";
        BenchResults.Meta m = new ObjectMapper().readValue(json, BenchResults.Meta.class);
        assertEquals(1, m.runsPerFigure());
        String back = new ObjectMapper().writeValueAsString(m);
        assertTrue(back, back.contains("\"repeat\":0") && !back.contains("runsPerFigure"));
    }

    @Test
    public void workloadsNamedOnceHaveOneRunPerFigure() {
        BenchResults.Meta m = new BenchResults.Meta("d", false, null, "c", true, java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of(), 3, List.of("hosts300"));
        assertEquals(1, m.runsPerFigure("hosts300"));
        assertEquals(3, m.runsPerFigure("cmd100"));
    }

    @Test
    public void repeatMustBeAWholeNumberOfAtLeastOne() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int rc = Main.run(new String[] {"--repeat", "0", "--workloads", "floor"}, new java.io.PrintStream(out));
        assertEquals(2, rc);
        assertTrue(out.toString(), out.toString().contains("--repeat needs a whole number of at least 1, not '0'"));
    }
}
