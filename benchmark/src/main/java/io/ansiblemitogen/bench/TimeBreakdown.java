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

    /** One system's split of one workload, per task of one host (hosts run side by side). */
    record Split(double msPerTask, double roundTripsPerTask, double wireMs, double restMs) {
    }

    static Optional<Split> split(BenchResults.WorkloadInfo w, RunResult r) {
        int tasks = Math.max(1, w.tasksPerHost());
        if (!r.measured() || w.hosts() < 1) {
            return Optional.empty();
        }
        double msPerTask = r.wallSeconds() * 1000 / tasks;
        double rtPerTask = (double) r.roundTrips() / w.hosts() / tasks;
        double wire = rtPerTask * w.rttMillis();
        return Optional.of(new Split(msPerTask, rtPerTask, wire, msPerTask - wire));
    }

    /** The section, or "" if no workload of the run has a delay. */
    static String render(BenchResults b) {
        StringBuilder md = new StringBuilder();
        for (BenchResults.WorkloadInfo w : b.workloads()) {
            if (w.delayMillis() <= 0) {
                continue;
            }
            for (String s : Report.systems(b)) {
                Optional<RunResult> r = b.measured(w.name(), s);
                Optional<Split> sp = r.flatMap(x -> split(w, x));
                if (sp.isEmpty()) {
                    continue;
                }
                Split x = sp.get();
                md.append(String.format(Locale.ROOT, "| %s | %d ms | %s | %.0f | %.1f | %.0f | %.0f |%n", w.name(),
                        w.rttMillis(), Report.name(b, s), x.msPerTask(), x.roundTripsPerTask(), x.wireMs(),
                        x.restMs()));
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
                + "is what the controller, the target and the processes between spent. Connection set-up is "
                + "spread over the tasks.\n\n"
                + "| workload | RTT | system | ms per task | round trips per task | on the wire (ms) | the rest (ms) |\n"
                + "|---|---:|---|---:|---:|---:|---:|\n" + md + "\n";
    }
}
