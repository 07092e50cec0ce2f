package io.ansiblemitogen.engine;

import io.ansiblemitogen.become.TestAccounts;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * What each {@code mitogen_task_isolation} costs per task, in the login interpreter and in a sudo child, and the
 * memory of the processes behind it: a benchmark figure (docs/benchmarks.md "Task isolation"), never a timing
 * assertion. {@code -Disolation.tasks=200 -Disolation.repeats=5} gives the reported figure (median of the repeats);
 * the default keeps the test short.
 */
public class IsolationCostTest {
    private static final int TASKS = Integer.getInteger("isolation.tasks", 40);
    private static final int REPEATS = Integer.getInteger("isolation.repeats", 1);
    private static final String[] MODES = {"reuse", "isolated", "fork"};
    private final Engine engine = new Engine((spec, via) -> new LocalTransport());

    @After
    public void tearDown() {
        engine.close();
    }

    private double perTaskMillis(TargetSpec t, BecomeSpec b, ModuleRequest m) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < TASKS; i++) {
            assertEquals(0, engine.execModule(t, b, m).rc());
        }
        return (System.nanoTime() - start) / 1e6 / TASKS;
    }

    /**
     * Median per-task wall time of each mode, and the CPU the interpreter and its zygote (with the children it
     * reaped) spent per task; the modes take turns in each repeat so that load hits them alike.
     */
    private String figures(TargetSpec t, BecomeSpec b, FakeModuleZip zip) throws Exception {
        double[][] times = new double[MODES.length][REPEATS];
        double[][] cpu = new double[MODES.length][REPEATS];
        for (String mode : MODES) { // warm: interpreter started, ZIP sent, fork server has it
            assertEquals(0, engine.execModule(t, b, zip.request(TestAccounts.PYTHON, "{}", mode)).rc());
        }
        long agent = agentPid(t, b, zip);
        long zygote = zygotePid(agent);
        for (int r = 0; r < REPEATS; r++) {
            for (int i = 0; i < MODES.length; i++) {
                long before = cpuTicks(agent) + cpuTicks(zygote);
                times[i][r] = perTaskMillis(t, b, zip.request(TestAccounts.PYTHON, "{}", MODES[i]));
                cpu[i][r] = (cpuTicks(agent) + cpuTicks(zygote) - before) * 10.0 / TASKS; // 100 ticks a second
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < MODES.length; i++) {
            line.append(String.format("%s %.2f ms (CPU %.2f ms) %s, ", MODES[i], median(times[i]), median(cpu[i]),
                    Arrays.toString(times[i])));
        }
        Thread.sleep(200); // the next child is forked as soon as the last was taken
        List<Long> ready = children(zygote);
        return line.append(String.format("memory kB (RSS/PSS): interpreter %s, zygote %s, ready child %s",
                mem(agent), mem(zygote), ready.isEmpty() ? "none" : mem(ready.get(0)))).toString();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private long agentPid(TargetSpec t, BecomeSpec b, FakeModuleZip zip) throws Exception {
        ExecResult r = engine.execModule(t, b, zip.request(TestAccounts.PYTHON, "{}", "reuse"));
        return Json.mapper().readTree(new String(r.stdout(), StandardCharsets.UTF_8)).path("pid").asLong();
    }

    /** The interpreter's child that runs its Python (a login interpreter's other children run sudo). */
    private static long zygotePid(long agent) throws Exception {
        Path exe = Files.readSymbolicLink(Path.of("/proc/" + agent + "/exe"));
        for (long c : children(agent)) {
            if (Files.readSymbolicLink(Path.of("/proc/" + c + "/exe")).equals(exe)) {
                return c;
            }
        }
        throw new AssertionError("no zygote among the children of " + agent);
    }

    /** utime + stime + cutime + cstime of a process, in clock ticks (proc(5)). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    private static List<Long> children(long pid) throws Exception {
        String text = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).trim();
        List<Long> out = new ArrayList<>();
        for (String s : text.isEmpty() ? new String[0] : text.split("\\s+")) {
            out.add(Long.parseLong(s));
        }
        return out;
    }

    private static String mem(long pid) throws Exception {
        return field(Path.of("/proc/" + pid + "/status"), "VmRSS:") + "/"
                + field(Path.of("/proc/" + pid + "/smaps_rollup"), "Pss:");
    }

    private static String field(Path file, String name) throws Exception {
        for (String l : Files.readAllLines(file)) {
            if (l.startsWith(name)) {
                return l.substring(name.length()).trim().replace(" kB", "");
            }
        }
        return "?";
    }

    @Test
    public void costPerTaskOfEachIsolation() throws Exception {
        FakeModuleZip zip = FakeModuleZip.standard();
        TargetSpec t = new TargetSpec("local", "cost", "localhost", null, null, null, null, null, null, null, null,
                null, null, TestAccounts.PYTHON, null);
        String line = String.format("isolation cost per task (%d tasks, median of %d): login: %s", TASKS, REPEATS,
                figures(t, null, zip));
        if (TestAccounts.isRoot()) {
            TestAccounts.user("amtestplain", null);
            line += "; sudo child: " + figures(t, new BecomeSpec("sudo", "amtestplain", null, null, null), zip);
        }
        System.out.println(line);
        assertTrue(line, line.contains("isolated"));
    }
}
