package io.ansiblemitogen.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds processes by an environment marker ({@code BENCH_MARKER=...}) that every process a run starts inherits.
 *
 * <p>Why: {@code /usr/bin/time} counts only the CPU of descendants it reaps. An ssh ControlMaster daemonises and
 * is re-parented to init, and a warm engine daemon is no child of the playbook at all: their CPU would be lost.
 * Scanning /proc for the marker before and after a run gives their share, and the same scan finds every process
 * to stop afterwards, however it was detached.
 */
final class MarkedProcesses {
    static final String VARIABLE = "BENCH_MARKER";
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private MarkedProcesses() {
    }

    /** CPU seconds (own user+sys plus reaped children's) of each live process carrying the marker, by pid. */
    static Map<Long, Double> cpuByPid(String marker) {
        Map<Long, Double> cpu = new HashMap<>();
        for (long pid : pids(marker)) {
            cpuSeconds(pid).ifPresent(s -> cpu.put(pid, s));
        }
        return cpu;
    }

    /** CPU spent between two snapshots by processes alive at the second one. */
    static double cpuDelta(Map<Long, Double> before, Map<Long, Double> after) {
        double sum = 0;
        for (Map.Entry<Long, Double> e : after.entrySet()) {
            sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0));
        }
        return sum;
    }

    static List<Long> pids(String marker) {
        return pids(marker, false);
    }

    /** With {@code prefix}, every marker starting with {@code marker} matches (all runs of one session). */
    static List<Long> pids(String marker, boolean prefix) {
        byte[] needle = (VARIABLE + "=" + marker).getBytes(StandardCharsets.US_ASCII);
        List<Long> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try {
                    if (containsEntry(Files.readAllBytes(p.resolve("environ")), needle, prefix)) {
                        found.add(pid);
                    }
                } catch (IOException | SecurityException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    /** Stops every process carrying the marker: TERM, then KILL after a grace period. */
    static int killAll(String marker) {
        return killAll(marker, false);
    }

    static int killAll(String marker, boolean prefix) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids(marker, prefix)) {
            ProcessHandle.of(pid).ifPresent(handles::add);
        }
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (ProcessHandle h : handles) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception ignored) {
                // killed below
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        return handles.size();
    }

    static Optional<Double> cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name may hold spaces and parentheses: fields are counted after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return Optional.of(ticks / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static boolean containsEntry(byte[] environ, byte[] entry, boolean prefix) {
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                int len = i - start;
                if ((prefix ? len >= entry.length : len == entry.length) && regionEquals(environ, start, entry)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean regionEquals(byte[] a, int off, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (a[off + i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** Environment for a marked process. */
    static Map<String, String> env(String marker) {
        return Map.of(VARIABLE, marker);
    }
}
