package io.ansiblemitogen.transport.container;

import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.TargetSpec;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Why the engine keeps one interpreter per container: each {@code podman exec} / {@code docker exec} costs a
 * runtime invocation, and the engine pays it once per container, not once per task. The runtime executables are
 * logging wrappers, so the test counts the invocations instead of inferring them from timings.
 */
public class ContainerExecCountTest {
    private static final int WARM_CALLS = 20;
    private static ContainerEnvironment env;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Rule
    public Timeout timeout = new Timeout(180, TimeUnit.SECONDS);

    @BeforeClass
    public static void prepare() throws Exception {
        env = ContainerEnvironment.prepare(true);
        env.useForEngines();
    }

    @AfterClass
    public static void cleanUp() throws Exception {
        ContainerEnvironment.stopUsingForEngines();
        if (env != null) {
            env.close();
        }
    }

    @Test
    public void podmanIsExecutedOncePerContainer() throws Exception {
        onceThroughTheWholeSession("podman");
    }

    @Test
    public void dockerIsExecutedOncePerContainer() throws Exception {
        onceThroughTheWholeSession("docker");
    }

    /** Ansible's forks reach one container at the same moment: still one runtime exec, one interpreter. */
    @Test
    public void concurrentFirstTasksShareOneExec() throws Exception {
        String name = env.startContainer("podman", ContainerEnvironment.IMAGE_PY313);
        TargetSpec t = new TargetSpec("podman", name, name, null, null, null, null, null, null, null, null, null,
                null, null, null);
        int forks = 8;
        Set<String> pids = ConcurrentHashMap.newKeySet();
        try (Engine engine = new Engine(new DefaultTransports())) {
            ExecutorService pool = Executors.newFixedThreadPool(forks);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < forks; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    ExecResult r = engine.execCommand(t, null, "echo $PPID", null, null);
                    assertEquals(0, r.rc());
                    pids.add(new String(r.stdout()).strip());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        long execs = env.calls("podman").stream().filter(l -> l.startsWith("exec ") && l.contains(name)).count();
        assertEquals("runtime execs for " + forks + " simultaneous first tasks", 1, execs);
        assertEquals("every command was started by the same interpreter: " + pids, 1, pids.size());
    }

    private void onceThroughTheWholeSession(String runtime) throws Exception {
        String name = env.startContainer(runtime, ContainerEnvironment.IMAGE_PY311);
        double direct = directExecSeconds(runtime, name, 5);
        TargetSpec t = new TargetSpec(runtime, name, name, null, null, null, null, null, null, null, null, null,
                null, null, null);
        EchoModule module = new EchoModule();
        byte[] data = new byte[2 * 1024 * 1024];
        new Random(1).nextBytes(data);
        Path src = tmp.newFile("src").toPath();
        Files.write(src, data);
        double first;
        double warm;
        try (Engine engine = new Engine(new DefaultTransports())) {
            long t0 = System.nanoTime();
            assertEquals(0, engine.execCommand(t, null, "true", null, null).rc());
            first = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            for (int i = 0; i < WARM_CALLS; i++) {
                ExecResult r = engine.execCommand(t, null, "echo " + i, null, null);
                assertEquals(i + "\n", new String(r.stdout()));
            }
            warm = (System.nanoTime() - t0) / 1e9 / WARM_CALLS;
            for (int i = 0; i < 3; i++) {
                assertEquals(0, engine.execModule(t, null, module.request("{}")).rc());
            }
            engine.putFile(t, null, src, "/tmp/count.bin", "0600");
            Path back = tmp.getRoot().toPath().resolve("back");
            engine.fetchFile(t, null, "/tmp/count.bin", back);
            assertArrayEquals(data, Files.readAllBytes(back));
        }
        List<String> execs = env.calls(runtime).stream().filter(l -> l.startsWith("exec ") && l.contains(name))
                .toList();
        System.out.printf("%s: one '%s exec' costs %.3f s; engine: first call %.3f s (starts the interpreter),"
                + " then %.4f s per call; %d runtime exec(s) for %d calls, 3 modules and 2 file transfers%n",
                runtime, runtime, direct, first, warm, execs.size(), WARM_CALLS + 1);
        assertEquals("runtime invocations: " + execs, 1, execs.size());
        assertTrue(String.format("a warm call (%.4f s) must cost less than one %s exec (%.3f s)", warm, runtime,
                direct), warm < direct);
        assertNoAgentLeftIn(runtime, name);
    }

    /** Average wall time of {@code RUNTIME exec -i NAME true}, the price of every task without a kept interpreter. */
    private static double directExecSeconds(String runtime, String name, int n) throws Exception {
        env.runtime(runtime, List.of("exec", "-i", name, "true"), 60); // warm the runtime's caches
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ContainerEnvironment.Result r = env.runtime(runtime, List.of("exec", "-i", name, "true"), 60);
            assertEquals(r.err(), 0, r.rc());
        }
        return (System.nanoTime() - t0) / 1e9 / n;
    }

    /** Closing the engine ends the interpreter in the container (its stdin closes), leaving no process behind. */
    private static void assertNoAgentLeftIn(String runtime, String name) throws Exception {
        String left = "";
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            ContainerEnvironment.Result r = env.inContainer(runtime, name, "sh", "-c",
                    "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <$f; echo; done 2>/dev/null"
                            + " | grep 'pytho[n]' || true");
            left = r.out().strip();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("interpreter left running in " + name + " after the engine closed: " + left);
    }
}
