package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The engine server in a JVM of its own ({@link EngineServerMain}), pushed to the limits only a whole process has:
 * its open-files limit (lowered from outside with prlimit(1)) and its heap ({@code -Xmx256m}).
 */
public class ServerResilienceTest {
    private Path dir;
    private Process child;
    private Path stderr;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @Before
    public void dirs() throws IOException {
        dir = Files.createTempDirectory("amresil");
        stderr = dir.resolve("stderr.txt");
    }

    @After
    public void end() throws Exception {
        pool.shutdownNow();
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Path startChild(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineServerMain.class.getName(),
                dir.resolve("s").toString()));
        child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        byte[] line = child.getInputStream().readNBytes(6);
        assertEquals("the test server did not start: " + Files.readString(stderr), "ready\n",
                new String(line, StandardCharsets.US_ASCII));
        return SocketDirs.socketIn(dir.resolve("s"));
    }

    /** One hello on a fresh connection, or a failure naming what happened within {@code seconds}. */
    private JsonNode hello(Path socket, int seconds) throws Exception {
        RequestFuzzTest.Client c = new RequestFuzzTest.Client(socket);
        Future<JsonNode> f = pool.submit(() -> c.exchange("{\"op\":\"hello\",\"id\":9,\"protocol\":1}"
                .getBytes(StandardCharsets.UTF_8)));
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("no answer to hello within " + seconds + " s; server stderr:\n" + Files.readString(stderr));
            return null;
        } finally {
            c.close();
        }
    }

    @Test
    public void acceptSurvivesRunningOutOfFileDescriptors() throws Exception {
        Path socket = startChild();
        assertTrue(hello(socket, 30).path("ok").asBoolean()); // everything the accept path loads is loaded
        long pid = child.pid();
        long open;
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            open = fds.count();
        }
        long limit = open + 3;
        Process p = new ProcessBuilder("prlimit", "--pid", String.valueOf(pid), "--nofile=" + limit + ":" + limit)
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        List<SocketChannel> crowd = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket)); // queued by the kernel whether or not accepted
            crowd.add(ch);
        }
        long until = System.currentTimeMillis() + 20_000;
        while (!Files.readString(stderr).contains("Too many open files") && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertTrue("accept never ran out of file descriptors: " + Files.readString(stderr),
                Files.readString(stderr).contains("accept failed"));
        for (SocketChannel ch : crowd) {
            ch.close();
        }
        JsonNode r = hello(socket, 30);
        assertTrue(r.toString(), r.path("ok").asBoolean());
        assertTrue(Files.readString(stderr), Files.readString(stderr).contains("accepting again"));
    }

    @Test
    public void announcedButUnsentRequestsNeitherExhaustTheHeapNorStallOthers() throws Exception {
        Path socket = startChild("-Xmx256m", "-Dansible.mitogen.frameTimeoutMs=3000");
        List<SocketChannel> liars = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.allocate(10).putInt(MessageIO.MAX_MESSAGE).put("{\"op\":".getBytes(
                    StandardCharsets.US_ASCII)).flip());
            liars.add(ch);
        }
        long t0 = System.nanoTime();
        assertTrue(hello(socket, 10).path("ok").asBoolean());
        assertTrue("ordinary requests waited for the stalled ones", System.nanoTime() - t0 < 2_500_000_000L);
        // A real large request is served once the stalled ones are given up on.
        String cmd = "x".repeat(30_000_000);
        try (RequestFuzzTest.Client c = new RequestFuzzTest.Client(socket)) {
            Future<JsonNode> f = pool.submit(() -> c.exchange(("{\"op\":\"exec_command\",\"id\":3,\"target\":"
                    + "{\"host\":\"192.0.2.1\"},\"cmd\":\"" + cmd + "\"}").getBytes(StandardCharsets.US_ASCII)));
            JsonNode r = f.get(60, TimeUnit.SECONDS);
            assertEquals(r.toString(), "unreachable", r.path("error").path("kind").asText());
        }
        for (SocketChannel ch : liars) {
            ch.configureBlocking(true);
            Future<Integer> eof = pool.submit(() -> ch.read(ByteBuffer.allocate(1)));
            assertEquals("a stalled connection was not closed", -1, (int) eof.get(20, TimeUnit.SECONDS));
            ch.close();
        }
        String log = Files.readString(stderr);
        assertFalse(log, log.contains("OutOfMemoryError"));
        assertTrue(log, log.contains("closed a client that announced a request of " + MessageIO.MAX_MESSAGE
                + " bytes and sent 6"));
    }
}
