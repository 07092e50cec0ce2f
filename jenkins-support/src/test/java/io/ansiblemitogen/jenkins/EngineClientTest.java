package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class EngineClientTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void helloAndPoolStatusOverARealUnixSocket() throws IOException {
        Path sock = tmp.getRoot().toPath().resolve("engine.sock");
        try (FakeEngine engine = new FakeEngine(sock, 1, () -> { })) {
            assertEquals(new EngineInfo(1, "fake-1"), DaemonHandshake.hello(sock, T));
            try (EngineClient c = EngineClient.connect(sock, T)) {
                c.hello("jenkins");
                List<TargetStats> first = c.poolStatus();
                assertEquals(1, first.size());
                TargetStats t = first.get(0);
                assertEquals("ssh:deploy@web1:22#k1", t.identity());
                assertEquals("web1", t.host());
                assertEquals(22, t.port());
                assertEquals(5, t.requests());
                assertEquals(2, c.poolStatus().size());
                EngineException e = assertThrows(EngineException.class, () -> c.request("frobnicate", null));
                assertEquals("bad_request", e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("unknown op frobnicate"));
            }
            assertEquals(2, engine.hellos());
        }
    }

    @Test
    public void anotherProtocolVersionIsAClearError() throws IOException {
        Path sock = tmp.getRoot().toPath().resolve("engine.sock");
        try (FakeEngine ignored = new FakeEngine(sock, 2, () -> { })) {
            IOException e = assertThrows(IOException.class, () -> DaemonHandshake.hello(sock, T));
            assertFalse(e instanceof DaemonUnavailableException);
            assertTrue(e.getMessage(), e.getMessage().contains("speaks protocol 2"));
            assertTrue(e.getMessage(), e.getMessage().contains("pool stop"));
        }
    }

    @Test
    public void missingAndStaleSocketsMeanNoDaemon() throws IOException {
        Path sock = tmp.getRoot().toPath().resolve("engine.sock");
        DaemonUnavailableException missing = assertThrows(DaemonUnavailableException.class,
                () -> DaemonHandshake.hello(sock, T));
        assertFalse(missing.staleSocket());
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(sock));
        dead.close(); // leaves the socket file behind, like a daemon killed with -9
        DaemonUnavailableException stale = assertThrows(DaemonUnavailableException.class,
                () -> DaemonHandshake.hello(sock, T));
        assertTrue(stale.staleSocket());
    }

    @Test
    public void aDaemonThatDoesNotAnswerFailsWithinTheDeadline() throws IOException {
        Path sock = tmp.getRoot().toPath().resolve("engine.sock");
        try (FakeEngine engine = new FakeEngine(sock, 1, () -> { })) {
            engine.goSilent();
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> DaemonHandshake.hello(sock, Duration.ofMillis(300)));
            assertTrue(e.getMessage(), e.getMessage().contains("did not answer 'hello' within"));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
        }
    }

    @Test(timeout = 30_000)
    public void aDaemonThatStoppedAcceptingIsNamedWithinTheDeadline() throws IOException {
        Path sock = tmp.getRoot().toPath().resolve("engine.sock");
        List<SocketChannel> queued = new java.util.ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock), 1); // never accepts: the queue fills up
            while (true) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.configureBlocking(false);
                try {
                    c.connect(UnixDomainSocketAddress.of(sock));
                } catch (IOException full) {
                    c.close();
                    break;
                }
                queued.add(c);
            }
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> DaemonHandshake.hello(sock, Duration.ofMillis(300)));
            assertFalse(e instanceof DaemonUnavailableException); // something is there: starting another won't help
            assertTrue(e.getMessage(), e.getMessage().contains(sock + " does not accept connections"));
            assertTrue(e.getMessage(), e.getMessage().contains("kill"));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
        } finally {
            for (SocketChannel c : queued) {
                c.close();
            }
        }
    }
}
