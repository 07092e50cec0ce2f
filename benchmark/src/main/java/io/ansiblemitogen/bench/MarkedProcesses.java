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
 *
 * <p>An ssh ControlMaster rewrites its process title over the memory that held its environment, so /proc no
 * longer shows the marker for it; its title ({@code ssh: CONTROL_PATH [mux]}) names the control path, though, so
 * a process also matches when its command line contains a given string (the run's ControlPath directory).
 */
final class MarkedProcesses {
    static final String VARIABLE = "BENCH_MARKER";
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private MarkedProcesses() {
    }

    /** CPU seconds (own user+sys plus reaped children's) of each live process carrying the marker, by pid. */
    static Map<Long, Double> cpuByPid(String marker) {
        return cpuByPid(new Mark(marker, false, null));
    }

    static Map<Long, Double> cpuByPid(Mark mark) {
        Map<Long, Double> cpu = new HashMap<>();
        for (long pid : pids(mark)) {
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

    /**
     * What identifies a run's processes: the marker in the environment (with {@code prefix}, every marker starting
     * with it, i.e. all runs of one session), or {@code cmdlineContains} (may be null) in the command line.
     */
    record Mark(String marker, boolean prefix, String cmdlineContains) {
    }

    static List<Long> pids(String marker) {
        return pids(new Mark(marker, false, null));
    }

    static List<Long> pids(Mark mark) {
        byte[] needle = (VARIABLE + "=" + mark.marker()).getBytes(StandardCharsets.US_ASCII);
        byte[] cmdNeedle = mark.cmdlineContains() == null ? null
                : mark.cmdlineContains().getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try {
                    if (containsEntry(Files.readAllBytes(p.resolve("environ")), needle, mark.prefix())
                            || cmdNeedle != null && indexOf(Files.readAllBytes(p.resolve("cmdline")), cmdNeedle) >= 0) {
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
        return killAll(new Mark(marker, false, null));
    }

    static int killAll(Mark mark) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids(mark)) {
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

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
