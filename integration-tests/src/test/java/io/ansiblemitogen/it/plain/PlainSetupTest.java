package io.ansiblemitogen.it.plain;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * Issue 7's set-up commands and their failure messages, with the real CLI jar and real ansible-playbook over
 * {@code local}: {@code plugin-path} places the strategies and the jar; {@code env}'s lines, eval'd by a shell,
 * route a plain run through an engine; without Java or without the jar a plain run stops before its first task
 * and says what to install or set.
 */
public class PlainSetupTest {
    private static final String PLAY = "- hosts: all\n  gather_facts: false\n  tasks:\n"
            + "    - name: through the engine\n      command: echo plain-run\n";

    private PlainAnsible plain;

    @Before
    public void setUp() throws Exception {
        plain = PlainAnsible.create();
        Files.writeString(plain.project.resolve("hosts.ini"),
                "box ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
        Files.writeString(plain.project.resolve("play.yml"), PLAY);
    }

    @After
    public void tearDown() {
        if (plain != null) {
            plain.closeExpectingNoDaemon();
        }
    }

    @Test
    public void pluginPathHoldsTheStrategiesAndTheJarBesideThem() throws Exception {
        Path dir = plain.strategyDir;
        assertTrue(dir + " should hold mitogen_linear.py", Files.isRegularFile(dir.resolve("mitogen_linear.py")));
        assertTrue(dir + " should hold mitogen_free.py", Files.isRegularFile(dir.resolve("mitogen_free.py")));
        assertTrue(dir + " is under the private cache", dir.startsWith(plain.cache));
        // The same path whatever the version: an upgrade moves the link, never the ansible.cfg line.
        assertEquals(plain.cache.resolve("ansible-mitogen/current/strategy"), dir);
        assertTrue(Files.isSymbolicLink(dir.getParent()));
        Path placed = dir.getParent().resolve("ansible-mitogen-cli.jar");
        assertTrue("the CLI jar is placed beside the plugin: " + placed, Files.isRegularFile(placed));
        assertEquals(Files.size(PlainAnsible.cliJar()), Files.size(placed));
        assertEquals(-1L, Files.mismatch(PlainAnsible.cliJar(), placed));
        try (Stream<Path> s = Files.list(dir.getParent())) {
            assertTrue("no half-written jar left behind",
                    s.noneMatch(p -> p.getFileName().toString().endsWith(".part")));
        }

        PlainAnsible.Result again = PlainAnsible.run(List.of("java", "-jar", PlainAnsible.cliJar().toString(),
                "plugin-path"), Map.of("XDG_CACHE_HOME", plain.cache.toString()), plain.base, Duration.ofSeconds(60));
        assertEquals(again.toString(), dir.toString(), again.stdout().strip());
    }

    @Test
    public void envLinesEvaluatedByAShellSendAPlainRunThroughTheEngine() throws Exception {
        // A cache path with a space and a quote: the lines must survive the shell.
        Path cache = Files.createDirectories(plain.base.resolve("my cache's dir"));
        PlainAnsible.Result env = PlainAnsible.run(List.of("java", "-jar", PlainAnsible.cliJar().toString(), "env"),
                Map.of("XDG_CACHE_HOME", cache.toString()), plain.base, Duration.ofSeconds(60));
        assertEquals(env.toString(), 0, env.exitCode());
        assertTrue(env.stdout(), env.stdout().contains("export ANSIBLE_STRATEGY=mitogen_linear\n"));
        assertTrue(env.stdout(), env.stdout().contains("export ANSIBLE_STRATEGY_PLUGINS="));

        Files.delete(plain.project.resolve("ansible.cfg")); // only the environment this time
        PlainAnsible.Result run = plain.runInProject(List.of("sh", "-c",
                "eval \"$(java -jar \"$0\" env)\" && exec ansible-playbook -i hosts.ini play.yml",
                PlainAnsible.cliJar().toString()), Map.of("XDG_CACHE_HOME", cache.toString()));
        assertEquals(run.toString(), 0, run.exitCode());
        assertTrue(run.toString(), run.stdout().contains("changed: [box]"));
        JsonNode st = plain.poolStatus();
        assertNotNull("the plain run should have started a daemon at " + plain.socket() + "\n" + run, st);
        assertTrue("the daemon ran the task: " + st, st.path("targets").size() == 1
                && st.path("targets").get(0).path("requests").asLong() > 0);

        // `pool status` looks where the plugin started the daemon (both follow SocketDirs.defaultDir).
        PlainAnsible.Result pool = plain.runInProject(List.of("java", "-jar", PlainAnsible.cliJar().toString(),
                "pool", "status"), Map.of());
        assertEquals(pool.toString(), 0, pool.exitCode());
        assertTrue(pool.toString(), pool.stdout().contains("daemon " + plain.socket() + ": 1 target, connections opened 1"));
    }

    @Test
    public void aDaemonStartedByTheUserIsUsedAndNoOtherStarted() throws Exception {
        // `ansible-mitogen daemon` with no options, in the same environment: the plugin must find it.
        Path log = plain.base.resolve("user-daemon.log");
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", PlainAnsible.cliJar().toString(), "daemon")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(log.toFile()).redirectErrorStream(true);
        PlainAnsible.SCRUBBED.forEach(pb.environment()::remove);
        pb.environment().put("XDG_RUNTIME_DIR", plain.runtime.toString());
        Process daemon = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (plain.poolStatus() == null) {
                assertTrue("the daemon exited: " + Files.readString(log), daemon.isAlive());
                assertTrue("the daemon did not listen at " + plain.socket() + ": " + Files.readString(log),
                        System.nanoTime() < deadline);
                Thread.sleep(100);
            }
            PlainAnsible.Result run = plain.runInProject(List.of("ansible-playbook", "-i", "hosts.ini", "play.yml"),
                    Map.of());
            assertEquals(run.toString(), 0, run.exitCode());
            assertTrue(run.toString(), run.stdout().contains("changed: [box]"));
            assertEquals("the plugin started no daemon of its own", 0, plain.daemonStarts());
            assertTrue("no daemon with --socket-dir (what the plugin starts): " + plain.daemons(),
                    plain.daemons().isEmpty());
            assertTrue("the user's daemon still serves", daemon.isAlive());
            assertTrue("the user's daemon ran the task", plain.requestsServed() > 0);
        } finally {
            plain.stopDaemon();
            if (!daemon.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    @Test
    public void withoutJavaThePlainRunStopsAtOnceSayingWhatToInstall() throws Exception {
        Path bin = Files.createDirectories(plain.base.resolve("bin-without-java"));
        Files.createSymbolicLink(bin.resolve("ansible-playbook"), Path.of("/usr/bin/ansible-playbook"));
        Map<String, String> env = new java.util.HashMap<>();
        env.put("PATH", bin.toString());
        env.put("JAVA_HOME", null);
        PlainAnsible.Result run = plain.runInProject(List.of("ansible-playbook", "-i", "hosts.ini", "play.yml"), env);
        assertStoppedBeforeAnyTask(run);
        assertTrue(run.toString(), run.stderr().contains("install Java 17"));
        assertTrue(run.toString(), run.stderr().contains("JAVA_HOME"));
    }

    @Test
    public void withoutTheJarThePlainRunStopsAtOnceSayingWhatToSet() throws Exception {
        // The plugin as a user might have copied it by hand: no jar beside it.
        Path copy = plain.base.resolve("plugin-copy");
        Path root = plain.strategyDir.getParent().toRealPath();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().endsWith(".jar") || p.toString().contains("__pycache__")) {
                    continue;
                }
                Path to = copy.resolve(root.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        plain.writeConfig(copy.resolve("strategy"));
        PlainAnsible.Result run = plain.runInProject(List.of("ansible-playbook", "-i", "hosts.ini", "play.yml"),
                Map.of());
        assertStoppedBeforeAnyTask(run);
        assertTrue(run.toString(), run.stderr().contains("no engine jar"));
        assertTrue(run.toString(), run.stderr().contains("ansible-mitogen plugin-path"));
        assertTrue(run.toString(), run.stderr().contains("ANSIBLE_MITOGEN_JAR"));
    }

    /** Failed, before the first task (no silent fall back to stock), quickly, and no daemon left running. */
    private void assertStoppedBeforeAnyTask(PlainAnsible.Result run) {
        assertTrue(run.toString(), run.exitCode() != 0);
        assertFalse("no task may run without the engine:\n" + run, run.stdout().contains("through the engine"));
        assertFalse(run.toString(), run.stdout().contains("changed: [box]"));
        assertTrue("should fail at once, took " + run.took(), run.took().compareTo(Duration.ofSeconds(30)) < 0);
        assertTrue(run.toString(), run.stderr().contains("ERROR!"));
        assertFalse(Files.exists(plain.socket()));
    }
}
