package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The fork server behind {@code mitogen_task_isolation: isolated} (agent core.py {@code ForkServer}): each context
 * keeps a single-threaded zygote with one child forked ahead of time. Real processes are killed here: the ready
 * child (the next task gets another), the zygote (the next task starts a new one), and a zygote whose Python has
 * gone (the task fails with a message naming the cause; the context keeps serving).
 */
public class ForkServerTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Engine engine = new Engine((spec, via) -> new LocalTransport());
    private final TargetSpec target = TargetSpec.local("localhost");

    @After
    public void tearDown() {
        engine.close();
    }

    private static FakeModuleZip whoami() throws Exception {
        Map<String, String> files = FakeModuleZip.skeleton();
        files.put("ansible/modules/whoami.py", String.join("\n",
                "import os, sys",
                "from ansible.module_utils import basic",
                "basic.exit_json(pid=os.getpid(), zygote=os.getppid(), executable=sys.executable)",
                ""));
        return FakeModuleZip.of(files);
    }

    private JsonNode run(String python, FakeModuleZip zip, String isolation) throws Exception {
        ExecResult r = engine.execModule(target, null,
                zip.request(python, "ansible.modules.whoami", "{}", isolation, Map.of()));
        assertEquals("stderr: " + new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return Json.mapper().readTree(r.stdout());
    }

    /** The children of a process (Linux's /proc/PID/task/PID/children), waiting up to 5 s for at least one. */
    private static List<Long> children(long pid) throws Exception {
        Path p = Path.of("/proc/" + pid + "/task/" + pid + "/children");
        for (int i = 0; i < 100; i++) {
            String text = Files.exists(p) ? Files.readString(p).trim() : "";
            if (!text.isEmpty()) {
                List<Long> out = new ArrayList<>();
                for (String s : text.split("\\s+")) {
                    out.add(Long.parseLong(s));
                }
                return out;
            }
            Thread.sleep(50);
        }
        return List.of();
    }

    private static void kill(long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor());
    }

    private static boolean alive(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    @Test
    public void aKilledReadyChildIsReplaced() throws Exception {
        FakeModuleZip zip = whoami();
        JsonNode first = run("python3", zip, "isolated");
        long zygote = first.path("zygote").asLong();
        Thread.sleep(500); // the child that ran the task has gone and been reaped; the next is forked
        List<Long> ready = children(zygote);
        assertEquals("one child forked ahead of time: " + ready, 1, ready.size());
        kill(ready.get(0));
        JsonNode next = run("python3", zip, "isolated");
        assertEquals("the same zygote serves on", zygote, next.path("zygote").asLong());
        assertNotEquals("the killed child did not run the task", (long) ready.get(0), next.path("pid").asLong());
        assertEquals(zygote, run("python3", zip, "isolated").path("zygote").asLong());
    }

    @Test
    public void aKilledZygoteIsStartedAgain() throws Exception {
        FakeModuleZip zip = whoami();
        long zygote = run("python3", zip, "isolated").path("zygote").asLong();
        kill(zygote);
        for (int i = 0; i < 100 && alive(zygote); i++) {
            Thread.sleep(50);
        }
        engine.drainLogs(target);
        JsonNode next = run("python3", zip, "isolated");
        assertNotEquals("a new zygote", zygote, next.path("zygote").asLong());
        List<String> logs = engine.drainLogs(target);
        assertTrue(logs.toString(), logs.stream().anyMatch(l -> l.contains("fork server started again")));
        assertNotEquals(next.path("pid").asLong(), run("python3", zip, "isolated").path("pid").asLong());
    }

    @Test
    public void aZygoteThatCannotBeStartedAgainFailsTheTaskWithItsCause() throws Exception {
        // The context runs a Python reached through a symlink, which is then removed: the running interpreter
        // works on, but a new zygote (sys.executable) cannot be started.
        Path dir = tmp.newFolder("py").toPath();
        Path python = dir.resolve("python3");
        Files.createSymbolicLink(python, Path.of("/usr/bin/python3"));
        FakeModuleZip zip = whoami();
        JsonNode first = run(python.toString(), zip, "isolated");
        assertEquals(python.toString(), first.path("executable").asText());
        Files.delete(python);
        long zygote = first.path("zygote").asLong();
        kill(zygote);
        for (int i = 0; i < 100 && alive(zygote); i++) {
            Thread.sleep(50);
        }
        try {
            engine.execModule(target, null, zip.request(python.toString(), "ansible.modules.whoami", "{}",
                    "isolated", Map.of()));
            fail("the task must fail: no fork server");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("fork server"));
            assertTrue(e.getMessage(), e.getMessage().contains("could not be started"));
            assertTrue(e.getMessage(), e.getMessage().contains(python.toString()));
        }
        // the context keeps serving: a reused interpreter needs no fork server
        assertEquals(python.toString(), run(python.toString(), zip, "reuse").path("executable").asText());
    }
}
