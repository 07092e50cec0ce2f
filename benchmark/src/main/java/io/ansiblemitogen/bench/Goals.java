package io.ansiblemitogen.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** The goals, checked against one run's figures. Never a test: a goal missed is reported, not failed. */
final class Goals {
    static final String MET = "met";
    static final String MISSED = "missed";
    static final String NOT_MEASURED = "not measured";

    record Goal(String goal, String figure, String status) {
    }

    private Goals() {
    }

    static List<Goal> evaluate(BenchResults b) {
        List<Goal> g = new ArrayList<>();
        Optional<RunResult> eCmd = okRun(b, "cmd100", "engine");
        g.add(ratioGoal("100 tasks, one host: at most 0.6x Mitogen's wall time", eCmd,
                okRun(b, "cmd100", "mitogen"), RunResult::wallSeconds, 0.6, "s"));
        g.add(ratioGoal("100 tasks, one host: within 1.2x of Ansible's floor (stock, 100 x debug)", eCmd,
                okRun(b, "floor", "stock"), RunResult::wallSeconds, 1.2, "s"));
        g.add(ratioGoal("100 tasks, one host, engine daemon running (as for a pipeline's later stages; "
                + "Mitogen cold): at most 0.6x Mitogen's wall time", okRun(b, "cmd100-warm", "engine"),
                okRun(b, "cmd100", "mitogen"), RunResult::wallSeconds, 0.6, "s"));
        Optional<RunResult> mStage = okRun(b, "stage30", "mitogen").or(() -> okRun(b, "stage30-warm", "mitogen"));
        g.add(ratioGoal("Warm stage (1 task, 30 hosts, daemon running): at most 0.3x Mitogen's time for the play",
                okRun(b, "stage30-warm", "engine"), mStage, RunResult::wallSeconds, 0.3, "s"));
        Optional<RunResult> e100 = okRun(b, "hosts100", "engine");
        Optional<RunResult> m100 = okRun(b, "hosts100", "mitogen");
        if (e100.isPresent() && m100.isPresent()) {
            boolean met = e100.get().wallSeconds() < m100.get().wallSeconds();
            g.add(new Goal("100 hosts x 5 tasks: faster than Mitogen",
                    String.format("engine %.1f s vs Mitogen %.1f s", e100.get().wallSeconds(), m100.get().wallSeconds()),
                    met ? MET : MISSED));
        } else {
            g.add(new Goal("100 hosts x 5 tasks: faster than Mitogen", "-", NOT_MEASURED));
        }
        Optional<RunResult> e300 = b.measured("hosts300", "engine");
        g.add(new Goal("300 hosts complete with no failures", e300.map(r -> r.hostsOk() + " ok, " + r.hostsFailed()
                + " failed, " + r.hostsUnreachable() + " unreachable").orElse("-"),
                e300.isEmpty() ? NOT_MEASURED : "ok".equals(e300.get().status()) ? MET : MISSED));
        g.add(everyWorkload(b, "Bytes on the wire: no more than Mitogen's on every workload",
                r -> r.bytesTotal(), true));
        Optional<RunResult> eCopy = okRun(b, "copy200m", "engine");
        Optional<RunResult> scp = okRun(b, "copy200m", "scp");
        if (eCopy.isPresent() && scp.isPresent()) {
            double ratio = eCopy.get().throughputMBps() / scp.get().throughputMBps();
            g.add(new Goal("Copy of 200 MB: at least 80% of scp's throughput",
                    String.format("engine %.1f MB/s vs scp %.1f MB/s (%.0f%%)", eCopy.get().throughputMBps(),
                            scp.get().throughputMBps(), ratio * 100), ratio >= 0.8 ? MET : MISSED));
        } else {
            g.add(new Goal("Copy of 200 MB: at least 80% of scp's throughput", "-", NOT_MEASURED));
        }
        g.add(everyWorkload(b, "Controller CPU: no more than Mitogen's", RunResult::cpuSeconds, false));
        return g;
    }

    private static Optional<RunResult> okRun(BenchResults b, String workload, String system) {
        return b.find(workload, system).filter(r -> "ok".equals(r.status()));
    }

    private static Goal ratioGoal(String name, Optional<RunResult> engine, Optional<RunResult> ref,
            ToDoubleFunction<RunResult> metric, double limit, String unit) {
        if (engine.isEmpty() || ref.isEmpty() || metric.applyAsDouble(ref.get()) <= 0) {
            return new Goal(name, "-", NOT_MEASURED);
        }
        double e = metric.applyAsDouble(engine.get());
        double r = metric.applyAsDouble(ref.get());
        double ratio = e / r;
        return new Goal(name, String.format("%.2fx (%.1f %s vs %.1f %s)", ratio, e, unit, r, unit),
                ratio <= limit ? MET : MISSED);
    }

    private static Goal everyWorkload(BenchResults b, String name, ToDoubleFunction<RunResult> metric,
            boolean bytes) {
        List<String> over = new ArrayList<>();
        int compared = 0;
        for (BenchResults.WorkloadInfo w : b.workloads()) {
            Optional<RunResult> e = okRun(b, w.name(), "engine");
            Optional<RunResult> m = okRun(b, w.name(), "mitogen");
            if (e.isEmpty() || m.isEmpty()) {
                continue;
            }
            compared++;
            double ev = metric.applyAsDouble(e.get());
            double mv = metric.applyAsDouble(m.get());
            if (ev > mv) {
                over.add(w.name() + " (" + (bytes ? Report.bytes((long) ev) + " vs " + Report.bytes((long) mv)
                        : String.format("%.1f s vs %.1f s", ev, mv)) + ")");
            }
        }
        if (compared == 0) {
            return new Goal(name, "-", NOT_MEASURED);
        }
        return new Goal(name, over.isEmpty() ? "all " + compared + " workloads compared"
                : "over on " + String.join(", ", over), over.isEmpty() ? MET : MISSED);
    }
}
