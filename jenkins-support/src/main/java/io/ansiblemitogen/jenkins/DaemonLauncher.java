package io.ansiblemitogen.jenkins;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes sure an engine daemon serves a socket directory: says {@code hello}, and if nobody answers starts
 * {@code java -jar JAR daemon} detached from the caller (its own log file, no stdin, none of the variables
 * Jenkins' process-tree killer looks for), then waits for its socket.
 */
public final class DaemonLauncher {
    /** Variables by which Jenkins recognises a build's processes to kill them when the build ends. */
    static final List<String> BUILD_COOKIES = List.of("JENKINS_NODE_COOKIE", "HUDSON_COOKIE",
            "JENKINS_SERVER_COOKIE", "BUILD_ID", "BUILD_TAG", "BUILD_NUMBER", "BUILD_URL", "JOB_NAME");
    public static final String LOG_NAME = "daemon.log";
    // Two parallel stages on one agent share its JVM: serialise starts there; the file lock covers other JVMs.
    private static final ReentrantLock JVM_LOCK = new ReentrantLock();

    /**
     * Serial GC (a small heap, mostly waiting on the network) and C1 only: on a 2-core agent, a fresh daemon's C2
     * compiles cost 4.4 s of CPU over four 100-task runs against 2.8 s with C1, and each run took ~1 s longer.
     */
    public static final List<String> ENGINE_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** What a launch needs. {@code command} is the daemon's argv before its own options, e.g. java -jar JAR. */
    public record Config(List<String> command, Path socketDir, int idleTimeoutMinutes, Duration startTimeout,
            Duration requestTimeout) {
        public Config {
            command = List.copyOf(command);
            Objects.requireNonNull(socketDir, "socketDir");
        }

        /**
         * {@code java JVM_OPTIONS -jar JAR}, using the Java that runs this JVM, with the engine's JVM options
         * (the same as bin/ansible-mitogen's: docs/architecture.md "Start-up of a run").
         */
        public static Config forJar(Path jar, Path socketDir, int idleTimeoutMinutes) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> argv = new java.util.ArrayList<>();
            argv.add(java);
            argv.addAll(ENGINE_JVM_OPTIONS);
            argv.add("-jar");
            argv.add(jar.toString());
            return new Config(List.copyOf(argv), socketDir, idleTimeoutMinutes,
                    Duration.ofSeconds(60), Duration.ofSeconds(10));
        }
    }

    /** The outcome: the engine that answered, and whether this call started it. */
    public record Launch(EngineInfo engine, Path socket, boolean started) {
    }

    private final Config config;

    public DaemonLauncher(Config config) {
        this.config = config;
    }

    public Path socket() {
        return SocketDir.socket(config.socketDir());
    }

    public Launch ensureRunning() throws IOException, InterruptedException {
        SocketDir.ensurePrivate(config.socketDir());
        Path socket = socket();
        try {
            return new Launch(DaemonHandshake.hello(socket, config.requestTimeout()), socket, false);
        } catch (DaemonUnavailableException absent) {
            // start one below
        }
        JVM_LOCK.lockInterruptibly();
        try (FileChannel lockFile = FileChannel.open(config.socketDir().resolve("launch.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            try { // someone may have started it while we waited for the lock
                return new Launch(DaemonHandshake.hello(socket, config.requestTimeout()), socket, false);
            } catch (DaemonUnavailableException e) {
                if (e.staleSocket()) {
                    // A daemon that died (kill -9, reboot of a tmpfs-less /tmp) leaves its socket; we hold the lock.
                    Files.deleteIfExists(socket);
                }
            }
            return new Launch(start(socket), socket, true);
        } finally {
            JVM_LOCK.unlock();
        }
    }

    private EngineInfo start(Path socket) throws IOException, InterruptedException {
        Path log = config.socketDir().resolve(LOG_NAME);
        List<String> argv = new ArrayList<>(config.command());
        argv.addAll(List.of("daemon", "--socket-dir", config.socketDir().toString(),
                "--idle-timeout", Integer.toString(config.idleTimeoutMinutes())));
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        BUILD_COOKIES.forEach(env::remove);
        pb.directory(config.socketDir().toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("could not start the ansible-mitogen daemon (" + String.join(" ", argv) + "): "
                    + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        long pause = 20;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                try { // it may have exited because another daemon (not started through us) serves already
                    return DaemonHandshake.hello(socket, config.requestTimeout());
                } catch (DaemonUnavailableException stillNone) {
                    // fall through to the error
                }
                throw new IOException("the ansible-mitogen daemon exited with status " + p.exitValue()
                        + " before serving " + socket + "; its log (" + log + ") says:\n" + tail(log, logStart));
            }
            try {
                return DaemonHandshake.hello(socket, config.requestTimeout());
            } catch (DaemonUnavailableException e) {
                last = e;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 250);
        }
        p.destroy(); // not serving after the deadline: do not leave a half-started daemon behind
        throw new IOException("the ansible-mitogen daemon did not serve " + socket + " within "
                + config.startTimeout().toSeconds() + " s; its log (" + log + ") says:\n" + tail(log, logStart), last);
    }

    /** The log written since {@code from}, at most its last 20 lines. */
    static String tail(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            String[] lines = new String(all, start, all.length - start, StandardCharsets.UTF_8).split("\n");
            int first = Math.max(0, lines.length - 20);
            String text = String.join("\n", java.util.Arrays.copyOfRange(lines, first, lines.length));
            return text.isBlank() ? "(nothing)" : text;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
