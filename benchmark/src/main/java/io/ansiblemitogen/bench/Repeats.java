package io.ansiblemitogen.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How several runs of one measurement (--repeat) become the one figure the report shows. */
final class Repeats {
    private Repeats() {
    }

    /**
     * The median run by wall time (for an even count, the slower of the middle two), its note listing every run's
     * wall time and controller CPU; or, if any run did not succeed, the first that did not: a failure is never outvoted.
     */
    static RunResult representative(List<RunResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        if (runs.size() == 1) {
            return runs.get(0);
        }
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            if (!"ok".equals(r.status())) {
                return withNote(r, "run " + (i + 1) + " of " + runs.size() + ": " + r.note());
            }
        }
        List<RunResult> byWall = runs.stream().sorted(Comparator.comparingDouble(RunResult::wallSeconds)).toList();
        RunResult median = byWall.get(byWall.size() / 2);
        String walls = runs.stream().map(r -> String.format(Locale.ROOT, "%.2f", r.wallSeconds()))
                .collect(Collectors.joining(", "));
        // every run's CPU too: on a small shared machine one run's CPU varies by ~0.2 s, so a reader can tell a
        // difference between systems from noise
        String cpus = runs.stream().map(r -> String.format(Locale.ROOT, "%.2f", r.cpuSeconds()))
                .collect(Collectors.joining(", "));
        double min = byWall.get(0).wallSeconds();
        double max = byWall.get(byWall.size() - 1).wallSeconds();
        String spread = String.format(Locale.ROOT, "spread %.2f to %.2f s (slowest %.2fx the fastest)", min, max,
                min > 0 ? max / min : 0);
        return withNote(median, "median of " + runs.size() + " runs by wall time; " + spread
                + "; wall times in run order: " + walls + " s; controller CPU: " + cpus + " s");
    }

    private static RunResult withNote(RunResult r, String note) {
        return new RunResult(r.workload(), r.system(), r.status(), note, r.wallSeconds(), r.cpuSeconds(),
                r.bytesToTarget(), r.bytesFromTarget(), r.connections(), r.hostsOk(), r.hostsFailed(),
                r.hostsUnreachable(), r.exitCode(), r.fileBytes(), r.copySeconds(), r.roundTrips());
    }
}
