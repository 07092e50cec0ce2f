package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The Jenkins flow without Jenkins, against the real engine: the real CLI jar (from cli/target, so this runs in
 * a full reactor build and is skipped when only this module is built), a real sshd on loopback, real
 * ansible-playbook. Two runs with the key written afresh each time, as two stages would: the second one reuses
 * the connection, because the engine compares the key's digest, not its path.
 * {@code -Dansible-mitogen.cliJar=JAR} tests another CLI jar.
 */
public class RealEngineEndToEndTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Path socketDir;
    private LoopbackSshd sshd;

    @After
    public void stop() throws Exception {
        if (socketDir != null) {
            try (EngineClient c = EngineClient.connect(SocketDir.socket(socketDir), Duration.ofSeconds(5))) {
                c.request("shutdown", null);
            } catch (java.io.IOException notRunning) {
                // nothing to stop
            }
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    static Optional<Path> realCliJar() throws Exception {
        String given = System.getProperty("ansible-mitogen.cliJar"); // e.g. a jar built from other branches
        if (given != null && !given.isBlank()) {
            return Optional.of(Path.of(given));
        }
        Path target = Path.of("..", "cli", "target").toAbsolutePath().normalize();
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("ansible-mitogen-cli-.*-all\\.jar")).findFirst();
        }
    }

    @Test
    public void secondRunReusesTheSshConnectionOfTheFirst() throws Exception {
        Path jar = requireRealCli();
        sshd = new LoopbackSshd(tmp.newFolder("sshd").toPath());
        String inventory = "target1 ansible_host=127.0.0.1 ansible_port=" + sshd.port
                + " ansible_python_interpreter=/usr/bin/python3"
                + " ansible_ssh_common_args='-o UserKnownHostsFile=" + sshd.knownHosts + "'\n";
        // The key is written afresh by each run, to a new path: only its digest can match.
        runTwice(jar, inventory, RunCredentials.sshKey(System.getProperty("user.name"), List.of(sshd.clientKey), null));
    }

    @Test
    public void secondRunReusesTheLocalInterpreterOfTheFirst() throws Exception {
        Path jar = requireRealCli();
        runTwice(jar, "target1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n",
                RunCredentials.NONE);
    }

    private Path requireRealCli() throws Exception {
        Optional<Path> jar = realCliJar();
        assumeTrue("the CLI jar is built (full reactor build)", jar.isPresent());
        assumeTrue("sshd and ansible-playbook are installed", Files.isExecutable(Path.of("/usr/sbin/sshd"))
                && Files.isExecutable(Path.of("/usr/bin/ansible-playbook")));
        try {
            DaemonLauncher.Config cfg = DaemonLauncher.Config.forJar(jar.get(), tmp.getRoot().toPath(), 1);
            PluginPathResolver.resolve(cfg.command(), Duration.ofSeconds(60));
        } catch (java.io.IOException e) {
            assumeTrue("the CLI jar carries the strategy plugins: " + e.getMessage(), false);
        }
        socketDir = Files.createTempDirectory(Path.of("/tmp"), "amj");
        return jar.get();
    }

    private void runTwice(Path jar, String inventory, RunCredentials creds) throws Exception {
        Path ws = tmp.newFolder("ws").toPath();
        Files.writeString(ws.resolve("site.yml"), String.join("\n",
                "- hosts: all",
                "  gather_facts: false",
                "  tasks:",
                "    - command: echo hello-from-{{ inventory_hostname }}",
                "      register: out",
                "    - assert: {that: [\"out.stdout == 'hello-from-target1'\", \"packages[1] == 'curl'\"]}",
                ""));
        PlaybookOptions options = PlaybookOptions.builder("site.yml").inventoryContent(inventory)
                .extraVars(Map.of("packages", List.of("nginx", "curl"))).build();
        String first = runOnce(options, creds, jar, ws);
        assertTrue(first, first.contains("ok=2"));
        assertTrue(first, first.contains("ansible-mitogen: connections: 0 reused, 1 opened"));
        String second = runOnce(options, creds, jar, ws);
        assertTrue(second, second.contains("ok=2"));
        assertTrue(second, second.contains("ansible-mitogen: connections: 1 reused, 0 opened"));
    }

    /** One "build step": prepare on the agent, run the process as Jenkins' launcher would, finish. */
    private String runOnce(PlaybookOptions options, RunCredentials creds, Path jar, Path ws) throws Exception {
        AgentRun.Prepared p = AgentRun.prepare(new AgentRun.Request(options, creds, null, Map.of(), ws.toString(),
                tmp.getRoot().toString(), jar.toString(), socketDir.toString(), 5));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int rc;
        try {
            ProcessBuilder pb = new ProcessBuilder(p.command().argv()).directory(ws.toFile()).redirectErrorStream(true);
            pb.environment().putAll(p.command().env());
            Process proc = pb.start();
            try (RenderingOutputStream out = new RenderingOutputStream(console,
                    new ConsoleRenderer(new SecretMasker(p.command().secrets())))) {
                proc.getInputStream().transferTo(out);
            }
            assertTrue(proc.waitFor(180, TimeUnit.SECONDS));
            rc = proc.exitValue();
        } finally {
            console.write((AgentRun.finish(p) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertFalse(Files.exists(Path.of(p.secretsDir())));
        String log = console.toString(StandardCharsets.UTF_8).strip();
        assertEquals(log, 0, rc);
        return log;
    }
}
