package io.ansiblemitogen.it.hops;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

/**
 * Containers behind an SSH host, end to end with ansible-playbook (issue 3, item 4): two podman containers on a
 * host reached through a real sshd on loopback ({@code mitogen_via}), whose interpreters are children of the host's
 * interpreter. The second container gets Ansible's real module ZIPs from the host: the test measures the bytes the
 * engine sent on the host's SSH channel for the same playbook on container 1 and then on container 2. The results
 * agree field by field with stock Ansible's podman connection reaching the same containers from the controller.
 */
public class ContainersBehindHostTest {
    private static final Path PLAYBOOK = Path.of("src/test/resources/hops/containers.yml");
    private static final String IMAGE = "localhost/target-py3";
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    private static String containersConf;
    private static final List<String> containers = new ArrayList<>();
    private static SshdFixture sshd;
    private static CorpusRunner runner;
    private static Path localTemp;

    @BeforeClass
    public static void setUp() throws Exception {
        assumeTrue("root's podman plays the container host", "root".equals(System.getProperty("user.name")));
        containersConf = sh(". .ci/lib/podman-env.sh && printf %s \"$CONTAINERS_CONF\"", 30).strip();
        if (run(List.of("podman", "image", "exists", IMAGE), 30).rc != 0) {
            Result built = run(List.of("sh", ".ci/lib/target-image.sh", IMAGE, "bookworm"), 420);
            assertEquals("building " + IMAGE + ": " + built.err, 0, built.rc);
        }
        for (int i = 1; i <= 2; i++) {
            String name = "amit-ct" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
            containers.add(name);
            Result r = run(List.of("podman", "--runtime", "runc", "run", "-d", "--name", name, IMAGE, "sleep",
                    "infinity"), 60);
            assertEquals(r.err, 0, r.rc);
        }
        // The host's podman needs this machine's settings (runc, cgroupfs): sshd gives them to its sessions.
        sshd = SshdFixture.builder().config("SetEnv CONTAINERS_CONF=" + containersConf).start();
        runner = new CorpusRunner().timeout(Duration.ofSeconds(180));
        localTemp = Files.createTempDirectory("amct-ansible-local-");
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (runner != null) {
            runner.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        if (!containers.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("podman", "rm", "-f", "-t", "0"));
            rm.addAll(containers);
            run(rm, 60);
        }
        if (localTemp != null) {
            Procs.deleteTree(localTemp);
        }
    }

    @Test
    public void secondContainerGetsModulesFromTheHostAndResultsAgreeWithStock() throws Exception {
        Inventory viaHost = new Inventory().host("dockhost", Inventory.fixtureVars(sshd));
        Inventory stock = new Inventory();
        for (int i = 0; i < 2; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("ansible_connection", "podman");
            v.put("ansible_host", containers.get(i));
            v.put("ansible_user", "root");
            v.put("ansible_python_interpreter", "/usr/bin/python3");
            stock.host("c" + (i + 1), new LinkedHashMap<>(v));
            v.put("mitogen_via", "dockhost");
            viaHost.host("c" + (i + 1), v);
        }
        Mode stockMode = Mode.STOCK.withEnv("CONTAINERS_CONF", containersConf)
                .withEnv("ANSIBLE_LOCAL_TEMP", localTemp.toString());
        RunResult stockRun = runner.run(PLAYBOOK, stock, stockMode);
        assertEquals(stockRun.describe(), 0, stockRun.exitCode());
        for (int i = 0; i < 2; i++) { // the engine runs must find the containers as stock did
            Result rm = run(List.of("podman", "--runtime", "runc", "exec", containers.get(i), "rm", "-f",
                    "/tmp/amct-c" + (i + 1) + ".txt"), 60);
            assertEquals(rm.err, 0, rm.rc);
        }

        int logins = sshd.acceptedConnections();
        int sessions = sshd.sessionsStarted();
        RunResult first;
        RunResult second;
        long toFirst;
        long toSecond;
        try (EmbeddedEngine engine = new EmbeddedEngine()) {
            Mode mode = EngineMode.of(engine).withEnv("ANSIBLE_LOCAL_TEMP", localTemp.toString());
            first = runner.run(PLAYBOOK, viaHost, mode.withArgs("-l", "c1"));
            TargetConnection host = engine.engine().pool().snapshot().stream()
                    .filter(c -> c.spec().transport().equals("ssh")).findFirst().orElseThrow();
            toFirst = host.bytesOut();
            second = runner.run(PLAYBOOK, viaHost, mode.withArgs("-l", "c2"));
            toSecond = host.bytesOut() - toFirst;
            assertTrue(engine.engine().pool().snapshot().stream()
                    .filter(c -> c.spec().transport().equals("podman")).allMatch(TargetConnection::startedByHost));
        }
        System.out.printf("bytes the engine sent on the host's SSH channel for containers.yml: container 1 %d B"
                + " (host interpreter start included), container 2 %d B%n", toFirst, toSecond);
        assertEquals(first.describe(), 0, first.exitCode());
        assertEquals(second.describe(), 0, second.exitCode());

        for (String h : List.of("c1", "c2")) {
            RunResult ours = h.equals("c1") ? first : second;
            assertEquals(ours.describe(), containerHostname(containers.get(h.equals("c1") ? 0 : 1)),
                    ours.task("which container", h).field("stdout").asText());
            String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine")
                    .report(only(stockRun, h), ours);
            assertEquals("stock (podman from the controller) and engine (behind dockhost) differ on " + h + "\n"
                    + report, "", report);
        }
        assertNotEquals(first.task("which container", "c1").field("stdout").asText(),
                second.task("which container", "c2").field("stdout").asText());
        assertTrue("container 2 got the modules from the host: " + toSecond + " B vs " + toFirst + " B",
                toSecond * 4 < toFirst);
        assertEquals("one SSH login for the host and both containers", 1, sshd.acceptedConnections() - logins);
        assertEquals("one SSH session: the host's interpreter", 1, sshd.sessionsStarted() - sessions);
    }

    /** The stock run restricted to one host, so it compares with an engine run limited to that host. */
    private static RunResult only(RunResult r, String host) {
        return new RunResult(r.exitCode(), r.timedOut(), r.duration(), r.stdout(), r.stderr(),
                r.tasks().stream().filter(t -> t.host().equals(host)).toList(),
                r.recap().entrySet().stream().filter(e -> e.getKey().equals(host))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), r.placeholders());
    }

    private static String containerHostname(String container) throws Exception {
        Result r = run(List.of("podman", "--runtime", "runc", "exec", container, "hostname"), 60);
        assertEquals(r.err, 0, r.rc);
        return r.out.strip();
    }

    private record Result(int rc, String out, String err) {
    }

    private static String sh(String script, long limitS) throws Exception {
        Result r = run(List.of("sh", "-c", script), limitS);
        assertEquals(r.err, 0, r.rc);
        return r.out;
    }

    private static Result run(List<String> argv, long limitS) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(REPO.toFile());
        if (containersConf != null) {
            pb.environment().put("CONTAINERS_CONF", containersConf);
        }
        Path out = Files.createTempFile("amit-out", ".txt");
        Path err = Files.createTempFile("amit-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limitS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", argv) + " did not finish within " + limitS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
