package io.ansiblemitogen.transport.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.EngineException;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * Containers behind a real SSH host (sshd on loopback, root's podman on this machine playing the container host):
 * their interpreters are children of the host's interpreter, started through the host's one SSH connection, and
 * the second container gets module code from the host instead of from the controller, measured in bytes on the
 * SSH channel.
 */
public class ContainerChildTest {
    private static ContainerEnvironment env;
    private static SshdFixture sshd;
    private static String ct1;
    private static String ct2;

    @Rule
    public Timeout timeout = new Timeout(180, TimeUnit.SECONDS);

    private Engine engine;

    @BeforeClass
    public static void prepare() throws Exception {
        env = ContainerEnvironment.prepare(true);
        ct1 = env.startContainer("podman", ContainerEnvironment.IMAGE_PY311);
        ct2 = env.startContainer("podman", ContainerEnvironment.IMAGE_PY311);
        // The host's podman needs this machine's settings (runc, cgroupfs), its docker CLI the API socket that
        // podman serves: sshd gives both to every session.
        sshd = SshdFixture.builder().config("SetEnv CONTAINERS_CONF=" + env.containersConf + " DOCKER_HOST="
                + env.dockerHost()).start();
    }

    @AfterClass
    public static void cleanUp() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @After
    public void tearDown() {
        System.clearProperty("ansible.mitogen.podman");
        if (engine != null) {
            engine.close();
        }
    }

    private static TargetSpec host() {
        return new TargetSpec("ssh", "dockhost", sshd.host(), sshd.port(), sshd.userName(), null,
                sshd.clientKey().toString(), null, null, sshd.sshCommonArgs(), null, 10, true, "python3", List.of());
    }

    private static TargetSpec behindHost(String container, String python) {
        return behindHost("podman", container, python);
    }

    private static TargetSpec behindHost(String runtime, String container, String python) {
        return new TargetSpec(runtime, container + "-inv", container, null, null, null, null, null, null, null, null,
                10, null, python, List.of(host()));
    }

    private TargetConnection connection(String transport, String host) {
        return engine.pool().snapshot().stream()
                .filter(c -> c.spec().transport().equals(transport) && c.spec().host().equals(host)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + transport + " connection to " + host));
    }

    private String sh(TargetSpec t, String cmd) throws EngineException {
        ExecResult r = engine.execCommand(t, null, cmd, null, null);
        assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return new String(r.stdout(), StandardCharsets.UTF_8).strip();
    }

    private static JsonNode moduleOutput(ExecResult r) throws Exception {
        assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    public void secondContainerOnAHostGetsTheModuleFromTheHostNotTheController() throws Exception {
        engine = new Engine(new DefaultTransports());
        int logins = sshd.acceptedConnections();
        int sessions = sshd.sessionsStarted();
        TargetSpec a = behindHost(ct1, "python3");
        TargetSpec b = behindHost(ct2, "python3");
        // Start both containers' interpreters first, so what follows measures the module task alone.
        String hostA = sh(a, "hostname");
        String hostB = sh(b, "hostname");
        assertNotEquals(hostA, hostB);
        TargetConnection host = connection("ssh", sshd.host());
        assertTrue(connection("podman", ct1).startedByHost());
        EchoModule module = new EchoModule();

        long before = host.bytesOut();
        JsonNode ra = moduleOutput(engine.execModule(a, null, module.request("{\"n\": 1}")));
        long first = host.bytesOut() - before;
        before = host.bytesOut();
        JsonNode rb = moduleOutput(engine.execModule(b, null, module.request("{\"n\": 1}")));
        long second = host.bytesOut() - before;
        System.out.printf("module ZIP %d B; bytes the engine sent on the host's SSH channel for the same module task:"
                + " container 1 %d B, container 2 %d B%n", module.bytes.length, first, second);

        // Half, not all: the link may compress (the ZIP is deflated already, so not by much).
        assertTrue("container 1 got the ZIP over the wire: " + first, first > module.bytes.length / 2);
        assertTrue("container 2 got the ZIP from the host, not over the wire: " + second + " B (ZIP "
                + module.bytes.length + " B)", second < module.bytes.length / 4);
        assertEquals("each module ran in its own container", hostA, ra.path("hostname").asText());
        assertEquals(hostB, rb.path("hostname").asText());
        for (JsonNode r : List.of(ra, rb)) {
            assertEquals(1, r.path("args").path("n").asInt());
            assertEquals("root", r.path("user").asText());
            assertTrue(r.toString(), r.path("python").asText().startsWith("3.11."));
        }
        // A become user inside container 1 is a grandchild of the host's interpreter; container 1 hands it the ZIP.
        BecomeSpec nobody = new BecomeSpec("su", "nobody", null, null, "-s /bin/sh");
        before = host.bytesOut();
        JsonNode rn = moduleOutput(engine.execModule(a, nobody, module.request("{\"n\": 2}")));
        long nested = host.bytesOut() - before;
        System.out.printf("su nobody in container 1, same module: %d B%n", nested);
        assertEquals("nobody", rn.path("user").asText());
        assertEquals(hostA, rn.path("hostname").asText());
        assertTrue("a become user in container 1 got the ZIP from container 1: " + nested + " B", nested
                < module.bytes.length / 4);

        assertEquals("one SSH login for the host and both containers", 1, sshd.acceptedConnections() - logins);
        assertEquals("one session: the host's interpreter; the containers' are its children", 1,
                sshd.sessionsStarted() - sessions);

        // The same container reached from the controller's own podman gives the same answer (all but the pid).
        System.setProperty("ansible.mitogen.podman", env.wrapperPath("podman").toString());
        TargetSpec direct = new TargetSpec("podman", "direct", ct2, null, null, null, null, null, null, null, null,
                10, null, "python3", List.of());
        JsonNode rd = moduleOutput(engine.execModule(direct, null, module.request("{\"n\": 1}")));
        for (String field : List.of("args", "uid", "user", "python", "home", "hostname")) {
            assertEquals(field, rd.path(field), rb.path(field));
        }
        assertNotEquals("two interpreters in that container", rd.path("pid"), rb.path("pid"));
    }

    @Test
    public void dockerContainersBehindAHostAreChildrenToo() throws Exception {
        String d1 = env.startContainer("docker", ContainerEnvironment.IMAGE_PY313);
        String d2 = env.startContainer("docker", ContainerEnvironment.IMAGE_PY313);
        engine = new Engine(new DefaultTransports());
        int sessions = sshd.sessionsStarted();
        EchoModule module = new EchoModule();
        TargetSpec a = behindHost("docker", d1, "python3");
        TargetSpec b = behindHost("docker", d2, "python3");
        JsonNode ra = moduleOutput(engine.execModule(a, null, module.request("{}")));
        assertEquals(sh(a, "hostname"), ra.path("hostname").asText());
        TargetConnection host = connection("ssh", sshd.host());
        sh(b, "true");
        long before = host.bytesOut();
        JsonNode rb = moduleOutput(engine.execModule(b, null, module.request("{}")));
        long second = host.bytesOut() - before;
        assertEquals(sh(b, "hostname"), rb.path("hostname").asText());
        assertTrue(rb.toString(), rb.path("python").asText().startsWith("3.13."));
        assertTrue(connection("docker", d2).startedByHost());
        assertTrue("the second docker container got the ZIP from the host: " + second, second
                < module.bytes.length / 4);
        assertEquals("one session for the host and its docker containers", 1, sshd.sessionsStarted() - sessions);
    }

    @Test
    public void containerErrorsBehindAHostNameTheContainerAndTheHost() throws Exception {
        engine = new Engine(new DefaultTransports());
        String missing = "amct-missing-" + Long.toHexString(System.nanoTime());
        try {
            engine.execModule(behindHost(missing, "python3"), null, new EchoModule().request("{}"));
            fail("expected UNREACHABLE");
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.UNREACHABLE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("podman container '" + missing + "' on dockhost"));
            assertTrue(e.getMessage(), e.getMessage().contains("no such container"));
        }
        // No Python at the interpreter path: what stock shows (status 127, the shell's words), and raw commands
        // still work, through one exec of the host's runtime.
        TargetSpec noPython = behindHost(ct1, "/nonexistent/python3");
        ExecResult r = engine.execModule(noPython, null, new EchoModule().request("{}", "/nonexistent/python3"));
        assertEquals(127, r.rc());
        String err = new String(r.stderr(), StandardCharsets.UTF_8);
        assertTrue(err, err.contains("/nonexistent/python3") && err.contains("not found"));
        assertEquals("hi", sh(noPython, "echo hi"));
        // The host and the good container are unaffected.
        assertEquals("ok", sh(behindHost(ct2, "python3"), "echo ok"));
    }
}
