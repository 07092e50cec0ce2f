package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers for running short commands and for killing whole process trees. */
public final class Procs {
    private Procs() {
    }

    /** Output of a finished short command. */
    public record Output(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs a short command (ssh-keygen, useradd...) to completion, with its output going to temp files so a
     * chatty command can never block on a full pipe.
     */
    public static Output run(List<String> argv, String stdin, long timeoutSeconds) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("testkit-out", ".txt");
            err = Files.createTempFile("testkit-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                killTree(p.toHandle());
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + argv);
            }
            return new Output(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** A pause between two looks at a process; an interrupt ends the wait with an exception (the flag kept). */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Like {@link #run} but throws, with the command's stderr, unless it exits 0. */
    public static String check(List<String> argv, String stdin) {
        Output o = run(argv, stdin, 60);
        if (o.exitCode() != 0) {
            throw new IllegalStateException(argv + " exited " + o.exitCode() + ": " + o.stderr() + o.stdout());
        }
        return o.stdout();
    }

    /**
     * Kills a process and every descendant. Descendants are collected first: once the parent is gone its
     * children are re-parented and can no longer be found through it (sshd's per-connection children, the ssh
     * ControlMaster left behind by ansible-playbook).
     */
    public static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        root.descendants().forEach(all::add);
        all.add(0, root);
        for (ProcessHandle h : all) {
            h.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception ignored) {
                // fall through to the forcible kill below
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }

    /** Deletes a directory tree; missing trees are fine. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(Procs::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
