package io.ansiblemitogen.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ansiblemitogen.testkit.Procs;

/**
 * Runs one command under {@code /usr/bin/time} and measures its wall time and the CPU of its whole process tree,
 * including detached processes that carry the run's marker (see {@link MarkedProcesses}).
 */
final class ProcessMeter {
    /** What one measured command did. {@code cpuSeconds} = user + sys of the tree + marked leftovers. */
    record Outcome(int exitCode, boolean timedOut, double wallSeconds, double userSeconds, double sysSeconds,
            double detachedCpuSeconds, Path log) {
        double cpuSeconds() {
            return userSeconds + sysSeconds + detachedCpuSeconds;
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return "";
            }
        }
    }

    private ProcessMeter() {
    }

    static Outcome run(List<String> argv, Map<String, String> env, Path workDir, Path log, Duration timeout,
            MarkedProcesses.Mark mark) {
        String marker = mark.marker();
        Path timeFile = log.resolveSibling(log.getFileName() + ".time");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S", "-o", timeFile.toString()));
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put(MarkedProcesses.VARIABLE, marker);
        Map<Long, Double> before = MarkedProcesses.cpuByPid(mark);
        long t0 = System.nanoTime();
        Process p;
        try {
            Files.deleteIfExists(timeFile);
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv, e);
        }
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                Procs.killTree(p.toHandle());
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Procs.killTree(p.toHandle());
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double detached = MarkedProcesses.cpuDelta(before, MarkedProcesses.cpuByPid(mark));
        double user = 0;
        double sys = 0;
        int rc = timedOut ? -1 : p.exitValue();
        try {
            String[] t = Files.exists(timeFile) ? lastLine(Files.readString(timeFile)).trim().split("\\s+") : new String[0];
            if (t.length == 3) {
                user = Double.parseDouble(t[1]);
                sys = Double.parseDouble(t[2]);
            }
        } catch (IOException | NumberFormatException e) {
            // no CPU figure: left at zero and visible as such
        }
        return new Outcome(rc, timedOut, wall, user, sys, detached, log);
    }

    /** time writes "Command exited with non-zero status N" before the figures when the command fails. */
    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
