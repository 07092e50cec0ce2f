package io.ansiblemitogen.transport.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.EngineException;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * {@code ansible_connection: podman | docker} end to end: the engine (with its default transports) reaches real
 * containers started by podman with runc, and by the real Docker CLI talking to podman's Docker API, each on
 * Debian 12 (Python 3.11) and Debian 13 (Python 3.13) images.
 */
@RunWith(Parameterized.class)
public class ContainerEngineTest {
    private static final String USER = "app";
    private static ContainerEnvironment env;
    /** Per runtime and image: a container with a user {@value #USER}, and one whose Python was removed. */
    private static final Map<String, String> withPython = new HashMap<>();
    private static final Map<String, String> withoutPython = new HashMap<>();

    @Parameters(name = "{0} {1}")
    public static List<Object[]> cases() {
        return List.of(
                new Object[] {"podman", ContainerEnvironment.IMAGE_PY311, "3.11."},
                new Object[] {"podman", ContainerEnvironment.IMAGE_PY313, "3.13."},
                new Object[] {"docker", ContainerEnvironment.IMAGE_PY311, "3.11."},
                new Object[] {"docker", ContainerEnvironment.IMAGE_PY313, "3.13."});
    }

    private final String runtime;
    private final String image;
    private final String pythonPrefix;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Rule
    public Timeout timeout = new Timeout(120, TimeUnit.SECONDS);

    private Engine engine;
    private final EchoModule module;

    public ContainerEngineTest(String runtime, String image, String pythonPrefix) throws Exception {
        this.runtime = runtime;
        this.image = image;
        this.pythonPrefix = pythonPrefix;
        this.module = new EchoModule();
    }

    @BeforeClass
    public static void startContainers() throws Exception {
        env = ContainerEnvironment.prepare(true);
        env.useForEngines();
        for (Object[] c : cases()) {
            String rt = (String) c[0];
            String img = (String) c[1];
            String name = env.startContainer(rt, img);
            ContainerEnvironment.Result r = env.inContainer(rt, name, "useradd", "-m", "-s", "/bin/sh", USER);
            assertEquals("useradd in " + name + ": " + r.err(), 0, r.rc());
            withPython.put(rt + img, name);
            String bare = env.startContainer(rt, img);
            r = env.inContainer(rt, bare, "sh", "-c", "rm -f /usr/bin/python3*");
            assertEquals("removing python from " + bare + ": " + r.err(), 0, r.rc());
            withoutPython.put(rt + img, bare);
        }
    }

    @AfterClass
    public static void removeContainers() throws Exception {
        ContainerEnvironment.stopUsingForEngines();
        if (env != null) {
            env.close();
        }
    }

    @Before
    public void setUp() {
        engine = new Engine(new DefaultTransports());
    }

    @After
    public void tearDown() {
        engine.close();
    }

    private String container() {
        return withPython.get(runtime + image);
    }

    private TargetSpec target(String container, String user) {
        return new TargetSpec(runtime, "ct-" + container, container, null, user, null, null, null, null, null, null,
                null, null, null, null);
    }

    private JsonNode where(TargetSpec t) throws Exception {
        ExecResult r = engine.execModule(t, null, module.request("{\"x\": 1}"));
        assertEquals("stderr: " + utf8(r.stderr()), 0, r.rc());
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    public void moduleRunsInTheContainerAndTheSecondRunSendsOnlyTheDigest() throws Exception {
        TargetSpec t = target(container(), null);
        JsonNode first = where(t);
        assertTrue(first.path("python").asText(), first.path("python").asText().startsWith(pythonPrefix));
        assertEquals("root", first.path("user").asText());
        assertEquals(1, first.path("args").path("x").asInt());
        TargetConnection conn = engine.pool().snapshot().get(0);
        long before = conn.bytesOut();
        assertTrue("first run sent " + before + " bytes: core and ZIP", before > module.bytes.length);
        JsonNode second = where(t);
        long sent = conn.bytesOut() - before;
        assertEquals("same interpreter", first.path("pid").asInt(), second.path("pid").asInt());
        assertTrue("second run sent " + sent + " bytes, the ZIP is " + module.bytes.length, sent < 600);
        assertTrue("the ZIP must be big enough for the comparison to mean something", module.bytes.length > 30_000);
        // The module ran inside: it saw the container's hostname, as the runtime reports it.
        ContainerEnvironment.Result h = env.inContainer(runtime, container(), "cat", "/etc/hostname");
        assertEquals(h.out().strip(), first.path("hostname").asText());
    }

    @Test
    public void commandsGetStdinStatusAndSeparateStreams() throws Exception {
        ExecResult r = engine.execCommand(target(container(), null), null,
                "tr a-z A-Z; echo err >&2; cat /etc/debian_version >/dev/null; exit 4",
                "hello".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(4, r.rc());
        assertEquals("HELLO", utf8(r.stdout()));
        assertEquals("err\n", utf8(r.stderr()));
        r = engine.execCommand(target(container(), null), null, "pwd", null, "/usr/share");
        assertEquals("/usr/share\n", utf8(r.stdout()));
    }

    @Test
    public void filesOfSeveralMegabytesRoundTripWithMode() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Path src = tmp.newFile("src.bin").toPath();
        Files.write(src, data);
        TargetSpec t = target(container(), null);
        engine.putFile(t, null, src, "/tmp/put.bin", "0640");
        // Checked by the runtime directly, not through the engine that wrote it.
        ContainerEnvironment.Result st = env.inContainer(runtime, container(), "sh", "-c",
                "stat -c '%a %s' /tmp/put.bin; sha1sum /tmp/put.bin");
        assertEquals(st.err(), 0, st.rc());
        String[] lines = st.out().split("\n");
        assertEquals("640 " + data.length, lines[0]);
        assertEquals(sha1(data), lines[1].split(" ")[0]);
        Path back = tmp.getRoot().toPath().resolve("back/fetched.bin");
        engine.fetchFile(t, null, "/tmp/put.bin", back);
        assertArrayEquals(data, Files.readAllBytes(back));
    }

    @Test
    public void ansibleUserSelectsTheAccountInsideTheContainer() throws Exception {
        TargetSpec t = target(container(), USER);
        JsonNode w = where(t);
        assertEquals(USER, w.path("user").asText());
        assertEquals("/home/" + USER, w.path("home").asText());
        ExecResult r = engine.execCommand(t, null, "id -un", null, null);
        assertEquals(USER + "\n", utf8(r.stdout()));
        Path src = tmp.newFile("small").toPath();
        Files.writeString(src, "mine\n");
        engine.putFile(t, null, src, "/home/" + USER + "/small", "0600");
        ContainerEnvironment.Result st = env.inContainer(runtime, container(), "stat", "-c", "%U %a",
                "/home/" + USER + "/small");
        assertEquals(USER + " 600\n", st.out());
        // root and app are two identities: two connections, each with its own interpreter.
        JsonNode asRoot = where(target(container(), null));
        assertEquals("root", asRoot.path("user").asText());
        assertTrue(asRoot.path("pid").asInt() != w.path("pid").asInt());
    }

    @Test
    public void restartedContainerGetsAFreshInterpreterOnTheNextTask() throws Exception {
        // The restart kills the kept interpreter; stock starts a process per task, so it would not notice.
        String name = env.startContainer(runtime, image);
        TargetSpec t = target(name, null);
        where(t);
        ContainerEnvironment.Result r = env.runtime(runtime, List.of("restart", "-t", "0", name), 60);
        assertEquals(r.err(), 0, r.rc());
        // The engine learns the interpreter died when the runtime's exec stream ends. A task sent in that instant
        // still fails as UNREACHABLE (a known gap, in the issue note); this test is about the task after it.
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && engine.pool().snapshot().stream()
                .anyMatch(c -> c.interpreterCount() > 0)) {
            Thread.sleep(50);
        }
        JsonNode after = where(t);
        assertEquals("root", after.path("user").asText());
        assertEquals("ok\n", utf8(engine.execCommand(t, null, "echo ok", null, null).stdout()));
    }

    @Test
    public void missingContainerIsUnreachableAndNamesContainerAndRuntime() throws Exception {
        String name = "amct-missing-" + runtime;
        TargetSpec t = target(name, null);
        for (int i = 0; i < 2; i++) {
            try {
                if (i == 0) {
                    engine.execModule(t, null, module.request("{}"));
                } else {
                    engine.execCommand(t, null, "true", null, null);
                }
                fail("expected UNREACHABLE");
            } catch (EngineException e) {
                assertEquals(e.getMessage(), EngineException.Kind.UNREACHABLE, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains(name));
                assertTrue(e.getMessage(), e.getMessage().contains(runtime));
                assertTrue("the runtime's own reason: " + e.getMessage(),
                        e.getMessage().toLowerCase().contains("no such container"));
            }
        }
    }

    @Test
    public void containerWithoutPythonGivesStatus127AndRawCommandsStillWork() throws Exception {
        TargetSpec t = target(withoutPython.get(runtime + image), null);
        ExecResult r = engine.execModule(t, null, module.request("{}"));
        assertEquals(127, r.rc());
        assertTrue(utf8(r.stderr()), utf8(r.stderr()).contains("python3: not found"));
        ExecResult raw = engine.execCommand(t, null, "echo raw-ok; echo raw-err >&2; exit 3", null, null);
        assertEquals(3, raw.rc());
        assertEquals("raw-ok\n", utf8(raw.stdout()));
        assertEquals("raw-err\n", utf8(raw.stderr()));
        raw = engine.execCommand(t, null, "cat", "through stdin".getBytes(StandardCharsets.UTF_8), null);
        assertEquals("through stdin", utf8(raw.stdout()));
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static String sha1(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(b));
    }
}
