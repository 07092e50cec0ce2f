package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
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

    /** Median per-task time of each mode; the modes take turns in each repeat so that load hits them alike. */
    private String figures(TargetSpec t, BecomeSpec b, FakeModuleZip zip) throws Exception {
        double[][] times = new double[MODES.length][REPEATS];
        for (String mode : MODES) { // warm: interpreter started, ZIP sent, fork server has it
            assertEquals(0, engine.execModule(t, b, zip.request(TestAccounts.PYTHON, "{}", mode)).rc());
        }
        for (int r = 0; r < REPEATS; r++) {
            for (int i = 0; i < MODES.length; i++) {
                times[i][r] = perTaskMillis(t, b, zip.request(TestAccounts.PYTHON, "{}", MODES[i]));
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < MODES.length; i++) {
            double[] sorted = times[i].clone();
            Arrays.sort(sorted);
            line.append(String.format("%s %.2f ms %s, ", MODES[i], sorted[REPEATS / 2], Arrays.toString(times[i])));
        }
        return line.append(memory(t, b, zip)).toString();
    }

    /** RSS and PSS (kB, /proc) of the interpreter, its zygote and the zygote's ready child. */
    private String memory(TargetSpec t, BecomeSpec b, FakeModuleZip zip) throws Exception {
        ExecResult r = engine.execModule(t, b, zip.request(TestAccounts.PYTHON, "{}", "reuse"));
        JsonNode out = Json.mapper().readTree(new String(r.stdout(), StandardCharsets.UTF_8));
        long agent = out.path("pid").asLong();
        Long zygote = null;
        Path exe = Files.readSymbolicLink(Path.of("/proc/" + agent + "/exe"));
        for (long c : children(agent)) { // the Python among them (a login interpreter's others run sudo)
            if (Files.readSymbolicLink(Path.of("/proc/" + c + "/exe")).equals(exe)) {
                zygote = c;
            }
        }
        if (zygote == null) {
            return "memory: no zygote found";
        }
        Thread.sleep(200); // the next child is forked as soon as the last was taken
        List<Long> ready = children(zygote);
        long readyPid = ready.isEmpty() ? -1 : ready.get(0);
        return String.format("memory kB (RSS/PSS): interpreter %s, zygote %s, ready child %s", mem(agent),
                mem(zygote), readyPid < 0 ? "none" : mem(readyPid));
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
