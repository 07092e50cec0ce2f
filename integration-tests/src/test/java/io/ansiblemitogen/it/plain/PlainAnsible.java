package io.ansiblemitogen.it.plain;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.cli.EngineClient;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.wire.Json;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.Assert.assertTrue;

/**
 * A user's set-up for plain Ansible (issue 7), made the way a user makes it: the real CLI jar's
 * {@code plugin-path} places the plugin (and the jar beside it), and a project directory holds an
 * {@code ansible.cfg} with only {@code strategy_plugins} and {@code strategy}. Runs get no
 * {@code ANSIBLE_MITOGEN_*}, {@code ANSIBLE_STRATEGY*} or {@code ANSIBLE_CONFIG} variables, and a private
 * {@code XDG_RUNTIME_DIR}, so the daemon the plugin finds or starts is this set-up's own, never a real user's.
 * {@link #close()} stops that daemon and waits until its process is gone.
 */
final class PlainAnsible implements AutoCloseable {
    /** Variables a user's shell might hold that would bypass what is under test; removed from every run. */
    static final List<String> SCRUBBED = List.of("ANSIBLE_MITOGEN_SOCKET", "ANSIBLE_MITOGEN_JAR",
            "ANSIBLE_MITOGEN_START_TIMEOUT", "ANSIBLE_MITOGEN_TASK_ISOLATION", "ANSIBLE_STRATEGY",
            "ANSIBLE_STRATEGY_PLUGINS", "ANSIBLE_CONFIG", "XDG_CACHE_HOME");

    final Path base;
    final Path cache;
    final Path runtime;
    final Path project;
    final Path strategyDir;

    private PlainAnsible(Path base, Path strategyDir) {
        this.base = base;
        this.cache = base.resolve("cache");
        this.runtime = base.resolve("runtime");
        this.project = base.resolve("project");
        this.strategyDir = strategyDir;
    }

    /** Places the plugin with the CLI jar under a private cache dir and writes the project's ansible.cfg. */
    static PlainAnsible create() throws IOException {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "plain-");
        Path cache = Files.createDirectories(base.resolve("cache"));
        Files.createDirectory(base.resolve("runtime"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createDirectory(base.resolve("project"));
        Result r = run(List.of("java", "-jar", cliJar().toString(), "plugin-path"),
                Map.of("XDG_CACHE_HOME", cache.toString()), base, Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("plugin-path failed: " + r);
        }
        PlainAnsible p = new PlainAnsible(base, Path.of(r.stdout().strip()));
        p.writeConfig(p.strategyDir);
        return p;
    }

    /** The two lines Mitogen users have in ansible.cfg, pointing at {@code dir}. */
    void writeConfig(Path dir) throws IOException {
        Files.writeString(project.resolve("ansible.cfg"),
                "[defaults]\nstrategy_plugins = " + dir + "\nstrategy = mitogen_linear\n");
    }

    /** The shaded CLI jar the reactor built before this module (what bin/ansible-mitogen runs). */
    static Path cliJar() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path target = base.resolveSibling("cli").resolve("target");
        try (Stream<Path> s = Files.list(target)) {
            Optional<Path> jar = s.filter(p -> p.getFileName().toString().matches("ansible-mitogen-cli-.*-all\\.jar"))
                    .findFirst();
            return jar.orElseThrow(() -> new IllegalStateException("no shaded CLI jar in " + target
                    + ": build with `mvn -pl integration-tests -am verify`"));
        } catch (IOException e) {
            throw new UncheckedIOException("no CLI build at " + target, e);
        }
    }

    Path socketDir() {
        return runtime.resolve("ansible-mitogen");
    }

    Path socket() {
        return socketDir().resolve("engine.sock");
    }

    /** ansible-playbook for {@link io.ansiblemitogen.testkit.CorpusRunner}: started in the project dir. */
    Mode mode(String name) {
        List<String> cmd = new ArrayList<>(List.of("env", "-C", project.toString()));
        for (String v : SCRUBBED) {
            cmd.add("-u");
            cmd.add(v);
        }
        cmd.add("ansible-playbook");
        return Mode.named(name).withEnv("XDG_RUNTIME_DIR", runtime.toString()).withCommand(cmd.toArray(new String[0]));
    }

    /** Runs a command in the project dir with the private runtime dir (and {@code extra} on top). */
    Result runInProject(List<String> argv, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.putIfAbsent("XDG_RUNTIME_DIR", runtime.toString());
        return run(argv, env, project, Duration.ofSeconds(120));
    }

    /** The running daemon's pool_status reply, or null when none answers on this set-up's socket. */
    JsonNode poolStatus() throws IOException {
        if (!EngineClient.isAlive(socket())) {
            return null;
        }
        try (EngineClient c = EngineClient.connect(socket())) {
            return c.request(Json.object().put("op", "pool_status"));
        }
    }

    /** Requests the daemon has served over all its targets (0 when none runs). */
    long requestsServed() throws IOException {
        JsonNode st = poolStatus();
        long n = 0;
        if (st != null) {
            for (JsonNode t : st.path("targets")) {
                n += t.path("requests").asLong();
            }
        }
        return n;
    }

    /** Daemon processes serving this set-up's socket dir (found by its unique path; they are ours). */
    List<ProcessHandle> daemons() {
        String marker = "--socket-dir " + socketDir();
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker) && c.contains(" daemon ")).orElse(false))
                .toList();
    }

    /** How many times a daemon announced itself in the log the plugin gave it. */
    int daemonStarts() throws IOException {
        Path log = socketDir().resolve("daemon.log");
        if (!Files.exists(log)) {
            return 0;
        }
        return (int) Files.readAllLines(log).stream().filter(l -> l.startsWith("ansible-mitogen daemon serving")).count();
    }

    /** Asks the daemon to shut down, then makes sure its process has ended (killing it by id if it lingers). */
    void stopDaemon() {
        List<ProcessHandle> running = daemons();
        try {
            if (EngineClient.isAlive(socket())) {
                try (EngineClient c = EngineClient.connect(socket())) {
                    c.request(Json.object().put("op", "shutdown"));
                }
            }
        } catch (IOException ignored) {
            // the kill below ends it
        }
        for (ProcessHandle h : running) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stopDaemon();
        Procs.deleteTree(base);
    }

    /** {@link #close()}, then fails the test if a daemon of this set-up outlived it. */
    void closeExpectingNoDaemon() {
        close();
        assertTrue("daemon still running after the test: " + daemons(), daemons().isEmpty());
    }

    /** A finished command's exit code and output. */
    record Result(int exitCode, String stdout, String stderr, Duration took) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + took.toMillis() + " ms\n--- stdout ---\n" + stdout
                    + "--- stderr ---\n" + stderr;
        }
    }

    /** Runs argv with this JVM's environment minus {@link #SCRUBBED}, plus {@code env}; output to files. */
    static Result run(List<String> argv, Map<String, String> env, Path cwd, Duration timeout) {
        try {
            Path out = Files.createTempFile("plain-out", ".txt");
            Path err = Files.createTempFile("plain-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                SCRUBBED.forEach(pb.environment()::remove);
                pb.environment().put("ANSIBLE_NOCOLOR", "1");
                env.forEach((k, v) -> {
                    if (v == null) {
                        pb.environment().remove(k);
                    } else {
                        pb.environment().put(k, v);
                    }
                });
                long t0 = System.nanoTime();
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    Procs.killTree(p.toHandle());
                    throw new AssertionError("timed out after " + timeout + ": " + argv + "\n"
                            + Files.readString(out) + Files.readString(err));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err),
                        Duration.ofNanos(System.nanoTime() - t0));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
