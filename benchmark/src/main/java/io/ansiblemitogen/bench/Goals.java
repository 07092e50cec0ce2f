package io.ansiblemitogen.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Issue 23's goals, checked against one run's figures. Never a test: a goal missed is reported, not failed.
 * "Mitogen" is the current one ({@link MitogenSystem#CURRENT_ID}), never Debian 12's 0.3.3.
 */
final class Goals {
    static final String MET = "met";
    static final String MISSED = "missed";
    static final String NOT_MEASURED = "not measured";
    private static final String MITOGEN = MitogenSystem.CURRENT_ID;
    /** Workloads with a goal against Mitogen of their own, stricter than the 0.5x every other one has. */
    private static final Set<String> OWN_MITOGEN_GOAL = Set.of("loop100-rtt100", "stage30-warm");

    record Goal(String goal, String figure, String status) {
    }

    private Goals() {
    }

    static List<Goal> evaluate(BenchResults b) {
        String mitogen = Report.name(b, MITOGEN);
        List<Goal> g = new ArrayList<>();
        Optional<RunResult> loopSlow = okRun(b, "loop100-rtt100", "engine");
        g.add(ratioGoal("100-item loop at 100 ms RTT: at most 1.5x the same loop at 0 ms", loopSlow,
                okRun(b, "loop100", "engine"), 1.5));
        g.add(ratioGoal("100-item loop at 100 ms RTT: at most 0.2x " + mitogen + "'s", loopSlow,
                okRun(b, "loop100-rtt100", MITOGEN), 0.2));
        g.add(ratioGoal("100 tasks, one host: at most 1.0x stock's own floor (100 x debug)",
                okRun(b, "cmd100", "engine"), okRun(b, "floor", "stock"), 1.0));
        // Mitogen keeps nothing between runs, so its cold stage is its warm one when only that was measured
        Optional<RunResult> mStage = okRun(b, "stage30-warm", MITOGEN).or(() -> okRun(b, "stage30", MITOGEN));
        g.add(ratioGoal("Warm stage (1 task, 30 hosts, daemon running): at most 0.2x " + mitogen + "'s",
                okRun(b, "stage30-warm", "engine"), mStage, 0.2));
        g.add(copyGoal(b));
        for (BenchResults.WorkloadInfo w : b.workloads()) {
            if (!OWN_MITOGEN_GOAL.contains(w.name())) {
                g.add(ratioGoal(w.name() + ": at most 0.5x " + mitogen + "'s wall time", okRun(b, w.name(), "engine"),
                        okRun(b, w.name(), MITOGEN), 0.5));
            }
        }
        return g;
    }

    private static Goal copyGoal(BenchResults b) {
        String name = "Copy of 200 MiB: at least 80% of scp's throughput";
        Optional<RunResult> eCopy = okRun(b, "copy200m", "engine");
        Optional<RunResult> scp = okRun(b, "copy200m", "scp");
        if (eCopy.isEmpty() || scp.isEmpty() || scp.get().throughputMBps() <= 0) {
            return new Goal(name, "-", NOT_MEASURED);
        }
        double ratio = eCopy.get().throughputMBps() / scp.get().throughputMBps();
        return new Goal(name, String.format(Locale.ROOT, "engine %.1f MB/s vs scp %.1f MB/s (%.0f%%)",
                eCopy.get().throughputMBps(), scp.get().throughputMBps(), ratio * 100), ratio >= 0.8 ? MET : MISSED);
    }

    private static Optional<RunResult> okRun(BenchResults b, String workload, String system) {
        return b.find(workload, system).filter(r -> "ok".equals(r.status()));
    }

    /** The engine's wall time over the reference's, met at or under {@code limit}. */
    static Goal ratioGoal(String name, Optional<RunResult> engine, Optional<RunResult> ref, double limit) {
        if (engine.isEmpty() || ref.isEmpty() || ref.get().wallSeconds() <= 0) {
            return new Goal(name, "-", NOT_MEASURED);
        }
        double e = engine.get().wallSeconds();
        double r = ref.get().wallSeconds();
        double ratio = e / r;
        return new Goal(name, String.format(Locale.ROOT, "%.2fx (%.2f s vs %.2f s)", ratio, e, r),
                ratio <= limit ? MET : MISSED);
    }
}
