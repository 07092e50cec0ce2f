package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

public class MarkedProcessesTest {
    @Test
    public void findsMeasuresAndStopsADetachedMarkedProcess() throws Exception {
        String marker = "amb-test-" + System.nanoTime();
        // the shell backgrounds a CPU-burning loop and exits: the loop is re-parented, as a ControlMaster is
        ProcessBuilder pb = new ProcessBuilder("sh", "-c",
                "(i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 60) >/dev/null 2>&1 &");
        pb.environment().put(MarkedProcesses.VARIABLE, marker);
        assertEquals(0, pb.start().waitFor());
        List<Long> pids = MarkedProcesses.pids(marker);
        assertEquals(pids.toString(), 1, pids.size());
        assertTrue(ProcessHandle.of(pids.get(0)).get().parent().map(p -> p.pid() != ProcessHandle.current().pid())
                .orElse(true));
        Map<Long, Double> before = MarkedProcesses.cpuByPid(marker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (MarkedProcesses.cpuDelta(Map.of(), MarkedProcesses.cpuByPid(marker)) < 0.05
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue("the loop's CPU is seen", MarkedProcesses.cpuDelta(Map.of(), MarkedProcesses.cpuByPid(marker)) >= 0.05);
        assertTrue(MarkedProcesses.cpuDelta(before, before) == 0);
        assertTrue("the session prefix finds it too", MarkedProcesses.pids(new MarkedProcesses.Mark("amb-test-", true, null)).containsAll(pids));
        assertEquals(1, MarkedProcesses.killAll(marker));
        assertTrue(MarkedProcesses.pids(marker).isEmpty());
        assertFalse(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    public void findsAProcessByItsCommandLineWhenItsTitleHidesTheEnvironment() throws Exception {
        String dir = "/tmp/amb-test-" + System.nanoTime() + "/cp";
        // what an ssh ControlMaster looks like: its title names the control path
        Process p = new ProcessBuilder("bash", "-c", "exec -a 'ssh: " + dir + "/0123abcd [mux]' sleep 30").start();
        try {
            MarkedProcesses.Mark mark = new MarkedProcesses.Mark("amb-none-" + System.nanoTime(), false, dir);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (MarkedProcesses.pids(mark).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(p.pid()), MarkedProcesses.pids(mark));
            assertEquals(1, MarkedProcesses.killAll(mark));
            assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    public void matchesWholeEntriesUnlessPrefixed() {
        byte[] env = "A=1\0BENCH_MARKER=amb-1-cmd\0Z=2".getBytes(StandardCharsets.US_ASCII);
        assertTrue(MarkedProcesses.containsEntry(env, bytes("BENCH_MARKER=amb-1-cmd"), false));
        assertFalse(MarkedProcesses.containsEntry(env, bytes("BENCH_MARKER=amb-1-"), false));
        assertTrue(MarkedProcesses.containsEntry(env, bytes("BENCH_MARKER=amb-1-"), true));
        assertFalse(MarkedProcesses.containsEntry(env, bytes("BENCH_MARKER=amb-2-"), true));
        assertTrue(MarkedProcesses.containsEntry(env, bytes("Z=2"), false));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
