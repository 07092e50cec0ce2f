package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.cli.EngineClient;
import io.ansiblemitogen.testkit.Procs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code bin/ansible-mitogen daemon} process on a socket directory of the test's own (never the user's
 * default one, which other runs on this machine may use). Closing stops it with {@code pool stop}, then kills
 * whatever is left of it.
 */
final class Daemon implements AutoCloseable {
    private final Path dir;
    private final Path log;
    private final Process process;

    private Daemon(Path dir, Path log, Process process) {
        this.dir = dir;
        this.log = log;
        this.process = process;
    }

    /** Starts a daemon and waits until it answers {@code hello}; {@code extra} are more daemon options. */
    static Daemon start(Path dir, String... extra) {
        return start(dir, java.util.Map.of(), extra);
    }

    /** As {@link #start(Path, String...)}, with more environment for the daemon (ANSIBLE_MITOGEN_JAVA_OPTS...). */
    static Daemon start(Path dir, java.util.Map<String, String> env, String... extra) {
        Path log = dir.resolveSibling(dir.getFileName() + "-daemon.log");
        Process p = launch(dir, log, env, extra);
        Daemon d = new Daemon(dir, log, p);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!EngineClient.isAlive(d.socket())) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                d.close();
                throw new IllegalStateException("the daemon did not serve " + d.socket() + ": " + d.log());
            }
            Procs.sleep(50);
        }
        return d;
    }

    /** Starts a daemon without waiting: for the cases where it must refuse to start. */
    static Process launch(Path dir, Path log, String... extra) {
        return launch(dir, log, java.util.Map.of(), extra);
    }

    static Process launch(Path dir, Path log, java.util.Map<String, String> env, String... extra) {
        List<String> argv = new java.util.ArrayList<>(List.of(Cli.bin().toString(), "daemon", "--socket-dir",
                dir.toString()));
        argv.addAll(List.of(extra));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    Path socket() {
        return dir.resolve("engine.sock");
    }

    Process process() {
        return process;
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    /** True once the daemon process ended within {@code seconds}. */
    boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                Cli.run(30, "pool", "--socket-dir", dir.toString(), "stop");
            } catch (RuntimeException ignored) {
                // killed below
            }
            if (!awaitExit(10)) {
                Procs.killTree(process.toHandle());
            }
        }
    }
}
