package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

/**
 * A task that arrives while another task runs in the same interpreter is forked; if the running one is in the
 * middle of an import, the fork inherits that import's lock (held by a thread the child does not have) and a
 * half-executed module. Found as a hang with two hosts sharing one login (BecomeOverSshTest); core.py's
 * _reinit_after_fork makes the child import such modules afresh.
 */
public class ForkDuringImportTest {
    private final Engine engine = new Engine((spec, via) -> new LocalTransport());

    @After
    public void tearDown() {
        engine.close();
    }

    @Test(timeout = 60_000)
    public void taskForkedDuringAnotherTasksImportCompletes() throws Exception {
        Map<String, String> files = FakeModuleZip.skeleton();
        files.put("ansible/module_utils/slowlib.py", "import time\ntime.sleep(2)\nVALUE = 42\n");
        files.put("ansible/modules/slow.py", String.join("\n",
                "import json, os",
                "from ansible.module_utils import slowlib",
                "print(json.dumps({'value': slowlib.VALUE, 'pid': os.getpid()}))",
                ""));
        FakeModuleZip zip = FakeModuleZip.of(files);
        TargetSpec target = TargetSpec.local("localhost");
        // Start the interpreter first, so both tasks meet in the same warm one.
        engine.execCommand(target, null, "true", null, null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ExecResult> first = pool.submit(() -> engine.execModule(target, null,
                    zip.request("python3", "ansible.modules.slow", "{}", "reuse")));
            Thread.sleep(700); // the first task is now inside slowlib's import
            Future<ExecResult> second = pool.submit(() -> engine.execModule(target, null,
                    zip.request("python3", "ansible.modules.slow", "{}", "reuse")));
            JsonNode a = parse(first.get(20, TimeUnit.SECONDS));
            JsonNode b = parse(second.get(20, TimeUnit.SECONDS));
            assertEquals(42, a.path("value").asInt());
            assertEquals(42, b.path("value").asInt());
            assertNotEquals("the second task ran in a forked child: " + a + " " + b, a.path("pid").asInt(), b.path("pid").asInt());
        } finally {
            pool.shutdownNow();
        }
    }

    private static JsonNode parse(ExecResult r) throws Exception {
        assertEquals("stderr: " + new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return Json.mapper().readTree(r.stdout());
    }
}
