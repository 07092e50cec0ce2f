package io.ansiblemitogen.transport.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.EngineException;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.FakeModuleZip;
import io.ansiblemitogen.engine.ModuleRequest;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** The engine end to end over SSH: real sshd, real agent core, real Python on the "target". */
public class SshEngineTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private SshTransportFactory factory;
    private Engine engine;

    @Before
    public void setUp() {
        factory = new SshTransportFactory();
        engine = new Engine(factory);
    }

    @After
    public void tearDown() {
        engine.close();
        factory.close();
    }

    /** An AnsiballZ-shaped ZIP with one module that echoes its pid and arguments. */
    static ModuleRequest echoModule(String argsJson) throws Exception {
        Map<String, String> files = FakeModuleZip.skeleton();
        files.put("ansible/modules/sshecho.py", "import json, os, sys\n"
                + "from ansible.module_utils import basic\n"
                + "print(json.dumps({'pid': os.getpid(), 'args': json.loads(basic._ANSIBLE_ARGS)}))\n");
        FakeModuleZip zip = FakeModuleZip.of(files, 315532800000L); // fixed: every build has the same digest
        return zip.request("python3", "ansible.modules.sshecho", argsJson, "reuse", Map.of());
    }

    private static String sh(Engine engine, TargetSpec t, String cmd) throws EngineException {
        ExecResult r = engine.execCommand(t, null, cmd, null, null);
        assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return new String(r.stdout(), StandardCharsets.UTF_8);
    }

    private static EngineException fails(Runnable0 r) {
        try {
            r.run();
            fail("expected an EngineException");
            return null;
        } catch (EngineException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    interface Runnable0 {
        void run() throws Exception;
    }

    @Test
    public void manyRequestsOneConnectionAndTheSecondModuleRunSendsOnlyTheDigest() throws Exception {
        TargetSpec t = SshTargets.to(SSHD).build();
        int before = SSHD.acceptedConnections();
        ExecResult first = engine.execModule(t, null, echoModule("{\"n\": 1}"));
        assertEquals(new String(first.stderr(), StandardCharsets.UTF_8), 0, first.rc());
        TargetConnection conn = engine.pool().snapshot().get(0);
        long sentBefore = conn.bytesOut();
        ExecResult second = engine.execModule(t, null, echoModule("{\"n\": 2}"));
        long sent = conn.bytesOut() - sentBefore;
        JsonNode a = Json.mapper().readTree(first.stdout());
        JsonNode b = Json.mapper().readTree(second.stdout());
        assertEquals(2, b.path("args").path("ANSIBLE_MODULE_ARGS").path("n").asInt());
        assertEquals("same interpreter", a.path("pid").asInt(), b.path("pid").asInt());
        assertTrue("second run sent " + sent + " bytes", sent < 600);
        for (int i = 0; i < 5; i++) {
            assertEquals(i + "\n", sh(engine, t, "echo " + i));
        }
        assertEquals(1, engine.pool().openedCount());
        assertEquals("one SSH login for all requests", 1, SSHD.acceptedConnections() - before);
    }

    @Test
    public void manyTargetsConnectInParallelThroughOneClient() throws Exception {
        int n = 12;
        int before = SSHD.acceptedConnections();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                // distinct options make distinct target identities, hence distinct connections
                TargetSpec t = SshTargets.to(SSHD).name("par" + i).extra("-o ServerAliveCountMax=" + (10 + i)).build();
                int k = i;
                results.add(pool.submit(() -> sh(engine, t, "echo " + k)));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i + "\n", results.get(i).get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(n, engine.pool().openedCount());
        assertEquals(n, SSHD.acceptedConnections() - before);
    }

    @Test
    public void noPythonLooksLikeStockAndRawStillWorksOverSsh() throws Exception {
        TargetSpec t = new TargetSpec("ssh", "nopy", SSHD.host(), SSHD.port(), SSHD.userName(), null,
                SSHD.clientKey().toString(), null, SshTargets.DEFAULT_SSH_ARGS, SSHD.sshCommonArgs(), null, 10, true,
                "/nonexistent/python3", null);
        ModuleRequest m = echoModule("{}");
        ExecResult r = engine.execModule(t, null, new ModuleRequest("/nonexistent/python3", m.fqn(), m.zipBase64(),
                m.zipSha1(), m.params(), m.isolation(), m.env(), m.cwd()));
        assertEquals(127, r.rc());
        assertTrue(new String(r.stderr(), StandardCharsets.UTF_8).contains("/nonexistent/python3"));
        ExecResult raw = engine.execCommand(t, null, "echo raw-ok; echo e >&2; exit 5", null, null);
        assertEquals(5, raw.rc());
        assertEquals("raw-ok\n", new String(raw.stdout(), StandardCharsets.UTF_8));
        assertEquals("e\n", new String(raw.stderr(), StandardCharsets.UTF_8));
    }

    @Test
    public void unknownHostKeyIsUnreachableNamingTheHost() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempFile("kh", "");
        try {
            TargetSpec t = SshTargets.to(SSHD).name("web-newkey").common("-o UserKnownHostsFile=" + empty).build();
            EngineException e = fails(() -> sh(engine, t, "true"));
            assertEquals(EngineException.Kind.UNREACHABLE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("web-newkey")
                    && e.getMessage().contains("is not in known_hosts"));
        } finally {
            java.nio.file.Files.deleteIfExists(empty);
        }
    }

    @Test
    public void refusedPortIsUnreachableNamingTheHost() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        TargetSpec t = SshTargets.to(SSHD).name("web-refused").port(closed).build();
        EngineException e = fails(() -> sh(engine, t, "true"));
        assertEquals(EngineException.Kind.UNREACHABLE, e.kind());
        assertEquals("web-refused", e.host());
        assertTrue(e.getMessage(), e.getMessage().contains("web-refused")
                && e.getMessage().contains("connection refused"));
    }

    @Test
    public void unsupportedOptionIsABadRequestNamingTheOption() {
        TargetSpec t = SshTargets.to(SSHD).extra("-o RemoteForward=9000 localhost:9000").build();
        EngineException e = fails(() -> sh(engine, t, "true"));
        assertEquals(EngineException.Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("ansible_ssh_extra_args: unsupported ssh option"
                + " 'RemoteForward'"));
    }

    @Test
    public void killedInterpreterFailsThatRequestAndTheNextOneReconnects() throws Exception {
        TargetSpec t = SshTargets.to(SSHD).build();
        String pid1 = sh(engine, t, "echo $PPID").strip();
        EngineException e = fails(() -> engine.execCommand(t, null, "kill -9 $PPID; sleep 5", null, null));
        assertEquals(EngineException.Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains(t.displayName()));
        String pid2 = sh(engine, t, "echo $PPID").strip();
        assertNotEquals(pid1, pid2);
    }

    @Test
    public void sshdRestartedBetweenRequestsReconnects() throws Exception {
        try (SshdFixture own = new SshdFixture().start()) {
            TargetSpec t = SshTargets.to(own).build();
            assertEquals("a\n", sh(engine, t, "echo a"));
            own.restart();
            // The lost connection may be noticed by this request (UNREACHABLE) or before it (reconnects at once).
            try {
                assertEquals("b\n", sh(engine, t, "echo b"));
            } catch (EngineException e) {
                assertEquals(e.getMessage(), EngineException.Kind.UNREACHABLE, e.kind());
            }
            assertEquals("c\n", sh(engine, t, "echo c"));
            assertEquals(2, own.acceptedConnections());
        }
    }

    @Test
    public void passwordAuthentication() throws Exception {
        String user = "amsshpw";
        io.ansiblemitogen.testkit.TestAccounts.ensureUser(user, "S3cret-pw");
        try (SshdFixture own = SshdFixture.builder().passwordAuthentication(true).start()) {
            TargetSpec ok = SshTargets.to(own).user(user).key(null).password("S3cret-pw").build();
            assertEquals(user + "\n", sh(engine, ok, "id -un"));
            TargetSpec bad = SshTargets.to(own).name("pwbad").user(user).key(null).password("wrong").build();
            EngineException e = fails(() -> sh(engine, bad, "true"));
            assertEquals(EngineException.Kind.UNREACHABLE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("Permission denied")
                    && e.getMessage().contains(user + "@127.0.0.1:" + own.port()));
        } finally {
            io.ansiblemitogen.testkit.TestAccounts.removeUser(user);
        }
    }

    @Test
    public void proxyJumpAndViaGoThroughTheHop() throws Exception {
        try (SshdFixture hop = new SshdFixture().start()) {
            String kh = "-o 'UserKnownHostsFile=" + SSHD.knownHosts() + " " + hop.knownHosts()
                    + "' -o StrictHostKeyChecking=yes";
            int hopBefore = hop.acceptedConnections();
            int targetBefore = SSHD.acceptedConnections();
            TargetSpec jumped = SshTargets.to(SSHD).name("jumped").common(kh + " -i " + hop.clientKey()
                    + " -J " + hop.userName() + "@127.0.0.1:" + hop.port()).build();
            assertEquals("j\n", sh(engine, jumped, "echo j"));
            assertEquals(1, hop.acceptedConnections() - hopBefore);
            assertEquals(1, SSHD.acceptedConnections() - targetBefore);

            TargetSpec hopSpec = SshTargets.to(hop).name("bastion").common(kh).build();
            TargetSpec viaTarget = SshTargets.to(SSHD).name("inner").common(kh).via(hopSpec).build();
            assertEquals("v\n", sh(engine, viaTarget, "echo v"));
            assertEquals(2, hop.acceptedConnections() - hopBefore);
            assertEquals(2, SSHD.acceptedConnections() - targetBefore);
            // The hop is a pooled connection of its own; the target's host key was checked as 127.0.0.1:port.
            assertEquals(3, engine.pool().openedCount());

            TargetSpec proxied = SshTargets.to(SSHD).name("proxied").common(kh + " -o ProxyCommand='ssh -W %h:%p -q"
                    + " -i " + hop.clientKey() + " -p " + hop.port() + " " + hop.userName() + "@127.0.0.1'").build();
            assertEquals("p\n", sh(engine, proxied, "echo p"));
            assertEquals(3, hop.acceptedConnections() - hopBefore);
            assertEquals(3, SSHD.acceptedConnections() - targetBefore);
        }
    }
}
