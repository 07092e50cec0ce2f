package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.become.TestAccounts;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

/** The engine end to end through a local process: the real agent core, real framing, real Python. */
public class LocalEngineTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Engine engine;
    private final TargetSpec target = TargetSpec.local("localhost");
    private FakeModuleZip zip;

    @Before
    public void setUp() throws Exception {
        engine = new Engine((spec, via) -> new LocalTransport());
        zip = FakeModuleZip.standard();
    }

    @After
    public void tearDown() {
        engine.close();
    }

    private JsonNode run(String args, String isolation) throws Exception {
        ExecResult r = engine.execModule(target, null, zip.request("python3", args, isolation));
        assertEquals("stderr: " + new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    public void runsModuleWithArgumentsEnvironmentAndMainName() throws Exception {
        JsonNode out = run("{\"x\": [1, \"two\"]}", "reuse");
        assertEquals("two", out.path("args").path("x").get(1).asText());
        assertEquals("yes", out.path("env").asText());
        assertEquals("__main__", out.path("name").asText());
    }

    @Test
    public void secondRunSendsOnlyTheDigestAndReusesTheInterpreter() throws Exception {
        JsonNode first = run("{}", "reuse");
        TargetConnection conn = engine.pool().snapshot().get(0);
        long before = conn.bytesOut();
        JsonNode second = run("{}", "reuse");
        long sent = conn.bytesOut() - before;
        assertEquals(first.path("pid").asInt(), second.path("pid").asInt());
        assertTrue("second run sent " + sent + " bytes, the ZIP is " + zip.bytes.length, sent < 600);
        assertEquals(1, engine.pool().openedCount());
    }

    @Test
    public void aZipNamedByDigestAloneRunsOnceTheEngineHoldsItAndIsAskedForBefore() throws Exception {
        ModuleRequest full = zip.request("python3", "{}", "reuse");
        ModuleRequest digestOnly = new ModuleRequest(full.interpreter(), full.fqn(), null, full.zipSha1(),
                full.params(), full.isolation(), full.env(), null);
        try {
            engine.execModule(target, null, digestOnly);
            throw new AssertionError("a ZIP the engine never saw cannot run");
        } catch (EngineException e) {
            assertEquals("need_zip", e.kindName());
            assertEquals("nothing reached a target", 0, engine.pool().openedCount());
        }
        assertEquals(0, engine.execModule(target, null, full).rc());
        ExecResult again = engine.execModule(target, null, digestOnly);
        assertEquals(new String(again.stderr(), StandardCharsets.UTF_8), 0, again.rc());
        assertEquals("yes", Json.mapper().readTree(again.stdout()).path("env").asText());
    }

    @Test
    public void theSameModulesPackedByAnotherRunAreNotSentAgain() throws Exception {
        FakeModuleZip earlier = FakeModuleZip.standard(1_600_000_000_000L);
        FakeModuleZip later = FakeModuleZip.standard(1_700_000_000_000L);
        assertNotEquals("the bytes differ, as Ansible's build time differs", earlier.sha1, later.sha1);
        assertEquals(0, engine.execModule(target, null, earlier.request("python3", "{}", "reuse")).rc());
        TargetConnection conn = engine.pool().snapshot().get(0);
        long before = conn.bytesOut();
        assertEquals(0, engine.execModule(target, null, later.request("python3", "{}", "reuse")).rc());
        long sent = conn.bytesOut() - before;
        assertTrue("the later run sent " + sent + " bytes; the ZIP is " + later.bytes.length, sent < 600);
    }

    @Test
    public void reuseKeepsModuleStateForkDoesNot() throws Exception {
        int a = run("{}", "reuse").path("counter").asInt();
        int b = run("{}", "reuse").path("counter").asInt();
        assertEquals(a + 1, b);
        JsonNode forked = run("{}", "fork");
        assertEquals(b + 1, forked.path("counter").asInt());
        assertEquals("the fork's change must not leak back", b + 1, run("{}", "fork").path("counter").asInt());
        assertNotEquals(run("{}", "reuse").path("pid").asInt(), forked.path("pid").asInt());
    }

    private JsonNode runAs(BecomeSpec become, String fqn, String isolation) throws Exception {
        ExecResult r = engine.execModule(target, become, zip.request("python3", fqn, "{}", isolation));
        assertEquals("stderr: " + new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    public void becomeChildKeepsModuleStateUnderReuseAndNotUnderFork() throws Exception {
        assumeTrue("needs root to sudo without a password", TestAccounts.isRoot());
        TestAccounts.user("amtestplain", null);
        BecomeSpec app = new BecomeSpec("sudo", "amtestplain", null, null, "-H -S -n");
        String echo = "ansible.modules.echo";
        JsonNode first = runAs(app, echo, "reuse");
        int a = first.path("counter").asInt();
        assertEquals("reuse: the module sees the previous task's globals", a + 1,
                runAs(app, echo, "reuse").path("counter").asInt());
        JsonNode forked = runAs(app, echo, "fork");
        assertEquals(a + 2, forked.path("counter").asInt());
        assertEquals("fork: nothing leaks back into the become interpreter", a + 2,
                runAs(app, echo, "fork").path("counter").asInt());
        assertNotEquals(first.path("pid").asInt(), forked.path("pid").asInt());
        assertNotEquals("the become child is not the login interpreter", run("{}", "reuse").path("pid").asInt(),
                first.path("pid").asInt());
    }

    @Test
    public void modulesKnownToLeakRunIsolatedEvenUnderReuse() throws Exception {
        JsonNode echo = run("{}", "reuse");
        int c = echo.path("counter").asInt();
        JsonNode dnf = runAs(null, "ansible.modules.dnf", "reuse");
        assertEquals("dnf ran in a fresh child of the fork server, not in the reused interpreter", 1,
                dnf.path("counter").asInt());
        assertEquals(1, runAs(null, "ansible.modules.dnf", "reuse").path("counter").asInt());
        assertNotEquals(echo.path("pid").asInt(), dnf.path("pid").asInt());
        assertEquals("nothing came back into the reused interpreter", c + 1, run("{}", "reuse").path("counter").asInt());
    }

    @Test
    public void isolatedIsTheDefaultAndEveryTaskStartsFresh() throws Exception {
        JsonNode a = run("{}", null);
        JsonNode b = run("{}", "isolated");
        assertEquals(1, a.path("counter").asInt());
        assertEquals("the second task does not see the first's module_util global", 1, b.path("counter").asInt());
        assertNotEquals(a.path("pid").asInt(), b.path("pid").asInt());
        assertEquals("yes", b.path("env").asText());
        assertEquals("__main__", b.path("name").asText());
    }

    @Test
    public void exitCodesAndTracebacksComeBackLikeAProcess() throws Exception {
        for (String iso : new String[] {"reuse", "fork", "isolated"}) {
            ExecResult r = engine.execModule(target, null, zip.request("python3", "{\"fail\": 3}", iso));
            assertEquals(3, r.rc());
            assertEquals("bad thing\n", new String(r.stderr(), StandardCharsets.UTF_8));
            r = engine.execModule(target, null, zip.request("python3", "{\"raise\": true}", iso));
            assertEquals(1, r.rc());
            assertTrue(new String(r.stderr(), StandardCharsets.UTF_8).contains("RuntimeError: boom"));
        }
        // The interpreter survived both.
        run("{}", "reuse");
    }

    @Test
    public void commandsGetStdinAndStatus() throws Exception {
        ExecResult r = engine.execCommand(target, null, "tr a-z A-Z; echo err >&2; exit 4",
                "hello".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(4, r.rc());
        assertEquals("HELLO", new String(r.stdout(), StandardCharsets.UTF_8));
        assertEquals("err\n", new String(r.stderr(), StandardCharsets.UTF_8));
    }

    @Test
    public void filesRoundTripInChunksWithMode() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Path src = tmp.newFile("src.bin").toPath();
        Files.write(src, data);
        Path remote = tmp.getRoot().toPath().resolve("remote.bin");
        engine.putFile(target, null, src, remote.toString(), "0640");
        assertArrayEquals(data, Files.readAllBytes(remote));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(remote)));
        Path back = tmp.getRoot().toPath().resolve("back/fetched.bin");
        engine.fetchFile(target, null, remote.toString(), back);
        assertArrayEquals(data, Files.readAllBytes(back));
    }

    @Test
    public void missingRemoteFileFailsTheRequestNotTheEngine() throws Exception {
        try {
            engine.fetchFile(target, null, "/nonexistent/file", tmp.getRoot().toPath().resolve("x"));
            throw new AssertionError("expected a failure");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.FAILED, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("/nonexistent/file"));
        }
        run("{}", "reuse");
    }

    @Test
    public void missingInterpreterLooksLikeStockAndRawStillWorks() throws Exception {
        ExecResult r = engine.execModule(target, null, zip.request("/nonexistent/python3", "{}", "reuse"));
        assertEquals(127, r.rc());
        assertTrue(new String(r.stderr(), StandardCharsets.UTF_8), new String(r.stderr(),
                StandardCharsets.UTF_8).contains("/nonexistent/python3"));
        TargetSpec noPython = new TargetSpec("local", "nopy", "localhost", null, null, null, null, null, null, null,
                null, null, null, "/nonexistent/python3", null);
        ExecResult raw = engine.execCommand(noPython, null, "echo raw-ok", null, null);
        assertEquals(0, raw.rc());
        assertEquals("raw-ok\n", new String(raw.stdout(), StandardCharsets.UTF_8));
    }

    /**
     * What a module writes straight to fd 2 reaches the engine before the module's reply does: the engine hands a
     * connection's logs to Ansible with the reply, and a later reply may belong to a no_log task, which shows none.
     */
    @Test
    public void strayOutputOfAModuleArrivesWithItsOwnReply() throws Exception {
        FakeModuleZip stray = module("stray",
                "import os",
                "from ansible.module_utils import basic",
                "for i in range(200):",
                "    os.write(2, ('stray-line-%d\\n' % i).encode())",
                "os.write(2, b'stray-tail-without-newline')",
                "basic.exit_json(ok=True)");
        ExecResult r = engine.execModule(target, null,
                stray.request("python3", "ansible.modules.stray", "{}", "reuse", Map.of()));
        assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        List<String> logs = engine.drainLogs(target);
        for (int i = 0; i < 200; i++) {
            String line = "INFO stdio: stray-line-" + i;
            assertTrue(line + " in " + logs, logs.stream().anyMatch(l -> l.endsWith(line)));
        }
        assertTrue(logs.toString(), logs.stream().anyMatch(l -> l.endsWith("INFO stdio: stray-tail-without-newline")));
        // A forked module has descriptors of its own: there fd 2 is the module's stderr, as under stock Ansible.
        ExecResult forked = engine.execModule(target, null,
                stray.request("python3", "ansible.modules.stray", "{}", "fork", Map.of()));
        String stderr = new String(forked.stderr(), StandardCharsets.UTF_8);
        assertTrue(stderr, stderr.contains("stray-line-199\n") && stderr.endsWith("stray-tail-without-newline"));
    }

    /**
     * A module in a reused interpreter may set, change and delete environment variables, and a task's
     * {@code environment} adds its own: the next module sees the interpreter's environment as it was, both in
     * os.environ and in what a command it starts inherits.
     */
    @Test
    public void theEnvironmentIsPutBackAfterEachModule() throws Exception {
        FakeModuleZip envmut = module("envmut",
                "import os, subprocess",
                "from ansible.module_utils import basic",
                "seen = dict(os.environ)",
                "inherited = subprocess.check_output(['env', '-0']).decode().split('\\0')",
                "os.environ['AM_ADDED'] = 'added'",
                "os.environ['PATH'] = '/changed:' + os.environ['PATH']",
                "os.environ.pop('HOME', None)",
                "basic.exit_json(seen=seen, inherited=sorted(x for x in inherited if x), pid=os.getpid())");
        JsonNode first = runOk(envmut.request("python3", "ansible.modules.envmut", "{}", "reuse",
                Map.of("AM_TASK", "task-one")));
        assertEquals("task-one", first.path("seen").path("AM_TASK").asText());
        JsonNode second = runOk(envmut.request("python3", "ansible.modules.envmut", "{}", "reuse", Map.of()));
        assertEquals(first.path("pid").asText(), second.path("pid").asText());
        JsonNode seen = second.path("seen");
        assertTrue(seen.toString(), seen.path("AM_ADDED").isMissingNode() && seen.path("AM_TASK").isMissingNode());
        assertTrue(seen.toString(), seen.path("HOME").isTextual());
        assertTrue(seen.toString(), !seen.path("PATH").asText().startsWith("/changed:"));
        List<String> expected = new ArrayList<>();
        seen.fields().forEachRemaining(e -> expected.add(e.getKey() + "=" + e.getValue().asText()));
        Collections.sort(expected);
        List<String> inherited = new ArrayList<>();
        second.path("inherited").forEach(n -> inherited.add(n.asText()));
        assertEquals("a command started by the next module inherits the restored environment", expected, inherited);
    }

    /**
     * A no_log task's module (Ansible marks its arguments {@code _ansible_no_log}) may log or print the values
     * no_log protects: its records are counted, never sent (so never shown, nor written to a debug file); the next
     * module's are sent again.
     */
    @Test
    public void logRecordsOfANoLogModuleAreHiddenAndCounted() throws Exception {
        FakeModuleZip leaky = module("leaky",
                "import logging, os",
                "from ansible.module_utils import basic",
                "p = basic.params()",
                "logging.getLogger('leaky').warning('logged %s', p['value'])",
                "for i in range(200):",
                "    os.write(2, ('printed %s\\n' % p['value']).encode())",
                "basic.exit_json(ok=True)");
        for (String isolation : List.of("reuse", "fork")) {
            runOk(leaky.request("python3", "ansible.modules.leaky",
                    "{\"value\": \"s3cret-" + isolation + "\", \"_ansible_no_log\": true}", isolation, Map.of()));
            List<String> logs = engine.drainLogs(target);
            assertTrue(isolation + ": " + logs, logs.stream().noneMatch(l -> l.contains("s3cret")));
            if (isolation.equals("reuse")) {
                assertTrue(logs.toString(), logs.stream().anyMatch(
                        l -> l.endsWith("INFO engine: 201 log record(s) of a no_log task hidden")));
            }
        }
        // The same text inside a value is not the marker (its quotes are escaped): that module's logs are sent.
        runOk(leaky.request("python3", "ansible.modules.leaky",
                "{\"value\": \"shown \\\"_ansible_no_log\\\": true\", \"_ansible_no_log\": false}", "reuse",
                Map.of()));
        List<String> logs = engine.drainLogs(target);
        assertTrue(logs.toString(), logs.stream().anyMatch(l -> l.endsWith("WARNING leaky: logged shown \"_ansible_no_log\": true")));
        assertTrue(logs.toString(), logs.stream().anyMatch(l -> l.endsWith("INFO stdio: printed shown \"_ansible_no_log\": true")));
    }

    /**
     * Under the default isolation the module runs in a child of the fork server: a record no handler takes reaches
     * the engine with that task's reply, and a no_log task's are counted instead, as in the interpreter itself.
     */
    @Test
    public void logRecordsOfAnIsolatedModuleComeWithItsReplyAndNoLogHidesThem() throws Exception {
        FakeModuleZip logs = module("logs",
                "import logging",
                "from ansible.module_utils import basic",
                "p = basic.params()",
                "logging.getLogger('isolated').warning('logged %s', p['value'])",
                "basic.exit_json(handlers=len(logging.getLogger().handlers))");
        JsonNode shown = runOk(logs.request("python3", "ansible.modules.logs", "{\"value\": \"plain\"}", "isolated",
                Map.of()));
        assertEquals("a module sees logging as in a fresh Python", 0, shown.path("handlers").asInt());
        List<String> lines = engine.drainLogs(target);
        assertTrue(lines.toString(), lines.stream().anyMatch(l -> l.endsWith("WARNING isolated: logged plain")));
        runOk(logs.request("python3", "ansible.modules.logs",
                "{\"value\": \"s3cret\", \"_ansible_no_log\": true}", "isolated", Map.of()));
        lines = engine.drainLogs(target);
        assertTrue(lines.toString(), lines.stream().noneMatch(l -> l.contains("s3cret")));
        assertTrue(lines.toString(), lines.stream().anyMatch(
                l -> l.endsWith("INFO engine: 1 log record(s) of a no_log task hidden")));
    }

    /** Calls run on threads that wait for the next call: the second of two sequential calls runs on the first's. */
    @Test
    public void sequentialCallsReuseTheCallThread() throws Exception {
        FakeModuleZip which = module("whichthread",
                "import threading",
                "from ansible.module_utils import basic",
                "basic.exit_json(thread=threading.current_thread().name)");
        ModuleRequest req = which.request("python3", "ansible.modules.whichthread", "{}", "reuse", Map.of());
        String first = runOk(req).path("thread").asText();
        // The thread goes back to waiting just after it sent its reply: on a loaded machine a call sent at once
        // can arrive before that and get a thread of its own. Give it the moment a real next task takes anyway.
        Thread.sleep(300);
        String second = runOk(req).path("thread").asText();
        assertTrue(first, first.startsWith("Thread-"));
        assertEquals(first, second);
    }

    @Test
    public void digestsOfAReceivedFileAnswerAnsibleModuleDigestFromFileWhileItIsTheSameFile() throws Exception {
        FakeModuleZip digests = FakeModuleZip.digests();
        byte[] data = new byte[3 * 1024 * 1024 + 5];
        new Random(3).nextBytes(data);
        Path src = tmp.newFile("digest-src.bin").toPath();
        Files.write(src, data);
        Path dir = tmp.newFolder("via-link").toPath();
        Path remote = dir.resolve("source");
        engine.putFile(target, null, src, remote.toString(), "0600", List.of(), List.of(), false,
                List.of("sha1", "md5"));
        // asked through a symlink to the directory: digest_from_file resolves it as stock does
        Path link = tmp.getRoot().toPath().resolve("link");
        Files.createSymbolicLink(link, dir);
        for (String isolation : List.of("reuse", "fork")) {
            JsonNode out = runOk(digests.request("python3", "ansible.modules.digests",
                    Json.object().put("path", link.resolve("source").toString()).toString(), isolation, Map.of()));
            assertEquals(hex("SHA-1", data), out.path("sha1").asText());
            assertEquals(hex("MD5", data), out.path("md5").asText());
            assertEquals(hex("SHA-256", data), out.path("sha256").asText());
            assertEquals(isolation + ": only sha256, which was not asked for, reads the file", 1,
                    out.path("reads").asInt());
        }
        // the file changes (size and time): every digest is read from the file again
        byte[] more = java.util.Arrays.copyOf(data, data.length + 1);
        Files.write(remote, more);
        JsonNode out = runOk(digests.request("python3", "ansible.modules.digests",
                Json.object().put("path", remote.toString()).toString(), "reuse", Map.of()));
        assertEquals(hex("SHA-1", more), out.path("sha1").asText());
        assertEquals(hex("MD5", more), out.path("md5").asText());
        assertEquals(3, out.path("reads").asInt());
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance(algorithm).digest(data));
    }

    /** A payload with the standard skeleton and one module, {@code ansible.modules.NAME}, of these lines. */
    private static FakeModuleZip module(String name, String... lines) throws Exception {
        Map<String, String> files = FakeModuleZip.skeleton();
        files.put("ansible/modules/" + name + ".py", String.join("\n", lines) + "\n");
        return FakeModuleZip.of(files);
    }

    private JsonNode runOk(ModuleRequest request) throws Exception {
        ExecResult r = engine.execModule(target, null, request);
        assertEquals("stderr: " + new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return Json.mapper().readTree(r.stdout());
    }
}
