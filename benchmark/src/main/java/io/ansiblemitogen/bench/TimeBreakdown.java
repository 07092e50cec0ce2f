package io.ansiblemitogen.bench;

import java.util.Locale;
import java.util.Optional;

/**
 * Where each system's time per task goes on a delayed link: the round trips the proxy saw per task times the RTT
 * ("on the wire"), and the rest (the controller, the target, the processes between). Pure, like {@link Report}.
 */
final class TimeBreakdown {
    private TimeBreakdown() {
    }

    /**
     * One system's split of one workload, per task of one host (hosts run side by side). {@code msPerTask} is the
     * whole run's wall time over its tasks, start-up included; {@code addedMs} what the delay added per task,
     * measured against the same workload at 0 ms (NaN if that was not measured).
     */
    record Split(double msPerTask, double roundTripsPerTask, double wireMs, double restMs, double addedMs) {
    }

    static Optional<Split> split(BenchResults.WorkloadInfo w, RunResult r, Optional<RunResult> atZero) {
        int tasks = Math.max(1, w.tasksPerHost());
        if (!r.measured() || w.hosts() < 1) {
            return Optional.empty();
        }
        double msPerTask = r.wallSeconds() * 1000 / tasks;
        double rtPerTask = (double) r.roundTrips() / w.hosts() / tasks;
        double wire = rtPerTask * w.rttMillis();
        double added = atZero.filter(RunResult::measured).map(z -> (r.wallSeconds() - z.wallSeconds()) * 1000 / tasks)
                .orElse(Double.NaN);
        return Optional.of(new Split(msPerTask, rtPerTask, wire, msPerTask - wire, added));
    }

    /** The same workload without the delay: "cmd100-rtt100" to "cmd100", if the run has it. */
    static Optional<String> zeroTwin(BenchResults b, BenchResults.WorkloadInfo w) {
        String base = w.name().replaceFirst("-rtt\\d+$", "");
        if (base.equals(w.name())) {
            return Optional.empty();
        }
        return b.workloads().stream().filter(x -> x.name().equals(base) && x.delayMillis() == 0
                && x.tasksPerHost() == w.tasksPerHost() && x.hosts() == w.hosts()).map(x -> x.name()).findFirst();
    }

    /** The section, or "" if no workload of the run has a delay. */
    static String render(BenchResults b) {
        StringBuilder md = new StringBuilder();
        for (BenchResults.WorkloadInfo w : b.workloads()) {
            if (w.delayMillis() <= 0) {
                continue;
            }
            Optional<String> twin = zeroTwin(b, w);
            for (String s : Report.systems(b)) {
                Optional<RunResult> r = b.measured(w.name(), s);
                Optional<Split> sp = r.flatMap(x -> split(w, x, twin.flatMap(t -> b.measured(t, s))));
                if (sp.isEmpty()) {
                    continue;
                }
                Split x = sp.get();
                md.append(String.format(Locale.ROOT, "| %s | %d ms | %s | %.0f | %.1f | %.0f | %.0f | %s |%n",
                        w.name(), w.rttMillis(), Report.name(b, s), x.msPerTask(), x.roundTripsPerTask(), x.wireMs(),
                        x.restMs(), Double.isNaN(x.addedMs()) ? "-"
                                : String.format(Locale.ROOT, "%.0f (vs %s)", x.addedMs(), twin.get())));
            }
        }
        if (md.length() == 0) {
            return "";
        }
        return "## Where the time goes per task (delayed links)\n\n"
                + "Per task of one host (a loop item counts as one; hosts run side by side). Round trips: the times "
                + "the controller sent something after hearing from the target with nothing sent in between, as "
                + "the proxy counted them over all connections of the run, divided by hosts and tasks; each costs "
                + "one RTT when nothing else overlaps it, so \"on the wire\" is round trips x RTT and \"the rest\" "
                + "is what the controller, the target and the processes between spent. Both include the run's "
                + "start-up and connection set-up spread over its tasks, which weighs on small counts (--quick). "
                + "The last column is what the delay added per task, measured: this run's wall time less that of "
                + "the same workload at 0 ms, over the tasks; set against \"on the wire\" it shows how much of "
                + "the round trips' cost overlapped other work.\n\n"
                + "| workload | RTT | system | ms per task | round trips per task | on the wire (ms) | the rest (ms) "
                + "| added by the RTT, measured (ms) |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|\n" + md + "\n";
    }
}
