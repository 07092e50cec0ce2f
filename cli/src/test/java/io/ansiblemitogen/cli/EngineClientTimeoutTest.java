package io.ansiblemitogen.cli;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * A daemon that listens but does not take connections (its accept loop ended, or it is out of file descriptors)
 * or takes them and never answers: the CLI gives up within its time limit, naming the socket and what to do,
 * instead of blocking with no output.
 */
public class EngineClientTimeoutTest {
    private Path dir;
    private Path socket;
    private ServerSocketChannel server;
    private final List<SocketChannel> queued = new ArrayList<>();

    @Before
    public void listen() throws IOException {
        dir = Files.createTempDirectory("amclient");
        socket = dir.resolve("engine.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    }

    @After
    public void close() throws IOException {
        for (SocketChannel c : queued) {
            c.close();
        }
        server.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }

    /** Connections nobody accepts, until the kernel's queue for the socket is full. */
    private void fillQueue() throws IOException {
        server.bind(UnixDomainSocketAddress.of(socket), 1);
        while (true) {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.configureBlocking(false);
            try {
                c.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException full) {
                c.close();
                return;
            }
            queued.add(c);
        }
    }

    @Test(timeout = 30_000)
    public void aFullQueueIsNamedWithinTheTimeout() throws IOException {
        fillQueue();
        long t0 = System.nanoTime();
        DaemonNotAnswering e = assertThrows(DaemonNotAnswering.class,
                () -> EngineClient.connect(socket, Duration.ofMillis(500)));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        assertTrue(e.getMessage(), e.getMessage().contains(socket + " does not accept connections"));
        assertTrue(e.getMessage(), e.getMessage().contains("kill"));
    }

    @Test(timeout = 30_000)
    public void aHelloWithoutAnswerIsNamedWithinTheTimeout() throws IOException {
        server.bind(UnixDomainSocketAddress.of(socket), 10); // the kernel takes the connection; nobody reads it
        DaemonNotAnswering e = assertThrows(DaemonNotAnswering.class,
                () -> EngineClient.connect(socket, Duration.ofMillis(500)));
        assertTrue(e.getMessage(), e.getMessage().contains(socket + " did not answer 'hello' within"));
    }

    @Test(timeout = 60_000)
    public void poolStatusSaysSoInsteadOfBlocking() throws IOException {
        fillQueue();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = PoolCommand.run(List.of("--socket-dir", dir.toString()), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(out, 1, rc);
        assertTrue(out, out.contains("does not accept connections"));
    }
}
