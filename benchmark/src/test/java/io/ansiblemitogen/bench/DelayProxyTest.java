package io.ansiblemitogen.bench;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

public class DelayProxyTest {
    private EchoServer echo;
    private DelayProxy proxy;

    @Before
    public void setUp() throws IOException {
        echo = new EchoServer();
    }

    @After
    public void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        echo.close();
    }

    @Test
    public void appliesTheDelayInEachDirection() throws Exception {
        proxy = new DelayProxy(40);
        DelayProxy.Route route = proxy.addRoute(echo.address());
        try (Socket s = connect(route)) {
            roundTrip(s, new byte[] {1}); // connection set-up out of the measurement
            long t0 = System.nanoTime();
            roundTrip(s, new byte[] {2});
            long rttMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue("round trip " + rttMs + " ms must include 2 x 40 ms", rttMs >= 80);
            assertTrue("round trip " + rttMs + " ms is far above 2 x 40 ms", rttMs < 1000);
        }
    }

    @Test
    public void countsARoundTripPerRequestAnsweredNotPerChunkStreamed() throws Exception {
        proxy = new DelayProxy(40);
        DelayProxy.Route route = proxy.addRoute(echo.address());
        try (Socket s = connect(route)) {
            for (int i = 0; i < 5; i++) {
                roundTrip(s, new byte[] {(byte) i});
            }
            assertEquals("five requests, each after the previous answer", 5, route.roundTrips());
            // three chunks sent before any answer can come back (40 ms each way): one wait, not three
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write(new byte[] {9});
                out.flush();
            }
            new DataInputStream(s.getInputStream()).readFully(new byte[3]);
            assertEquals(6, route.roundTrips());
            assertEquals(6, proxy.roundTrips());
            proxy.resetCounters();
            assertEquals(0, proxy.roundTrips());
        }
    }

    @Test
    public void zeroDelayForwardsPromptly() throws Exception {
        proxy = new DelayProxy(0);
        DelayProxy.Route route = proxy.addRoute(echo.address());
        try (Socket s = connect(route)) {
            roundTrip(s, new byte[] {1});
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                roundTrip(s, new byte[] {(byte) i});
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue("20 round trips took " + ms + " ms", ms < 2000);
        }
    }

    @Test
    public void countsBytesExactlyAndKeepsOrder() throws Exception {
        proxy = new DelayProxy(2);
        DelayProxy.Route route = proxy.addRoute(echo.address());
        byte[] data = new byte[3 * DelayProxy.HIGH_WATER + 12345]; // crosses the back-pressure threshold
        new Random(7).nextBytes(data);
        byte[] back = new byte[data.length];
        try (Socket s = connect(route)) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 10_000) {
                        out.write(data, off, Math.min(10_000, data.length - off));
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            new DataInputStream(s.getInputStream()).readFully(back);
            assertEquals("EOF travels through the proxy", -1, s.getInputStream().read());
            writer.join();
        }
        assertArrayEquals(data, back);
        assertEquals(data.length, route.bytesToUpstream());
        assertEquals(data.length, route.bytesFromUpstream());
        assertEquals(1, route.connectionsAccepted());
        assertEquals(data.length, proxy.bytesToUpstream());
    }

    @Test
    public void servesManyConnectionsAtOnceAndCountsThem() throws Exception {
        proxy = new DelayProxy(5);
        int n = 300;
        List<DelayProxy.Route> routes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            routes.add(proxy.addRoute(echo.address()));
        }
        List<Socket> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(connect(routes.get(i % routes.size())));
            }
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Socket s = sockets.get(i);
                byte[] msg = ("hello " + i).getBytes();
                done.add(pool.submit(() -> {
                    for (int k = 0; k < 5; k++) {
                        roundTrip(s, msg);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(n, proxy.connectionsAccepted());
            assertEquals(n, proxy.openConnections());
            long expected = 0;
            for (int i = 0; i < n; i++) {
                expected += 5L * ("hello " + i).length();
            }
            assertEquals(expected, proxy.bytesToUpstream());
            assertEquals(expected, proxy.bytesFromUpstream());
            assertEquals(n / routes.size(), routes.get(0).connectionsAccepted());
        } finally {
            pool.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    public void closeConnectionsEndsOpenConnectionsAndResetClearsCounters() throws Exception {
        proxy = new DelayProxy(0);
        DelayProxy.Route route = proxy.addRoute(echo.address());
        try (Socket s = connect(route)) {
            roundTrip(s, new byte[] {9});
            proxy.closeConnections();
            s.setSoTimeout(5000);
            assertEquals(-1, s.getInputStream().read());
        }
        proxy.resetCounters();
        assertEquals(0, proxy.connectionsAccepted());
        assertEquals(0, proxy.bytesToUpstream());
    }

    private static Socket connect(DelayProxy.Route route) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), route.port());
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        return s;
    }

    private static void roundTrip(Socket s, byte[] msg) throws IOException {
        s.getOutputStream().write(msg);
        byte[] back = new byte[msg.length];
        new DataInputStream(s.getInputStream()).readFully(back);
        assertArrayEquals(msg, back);
    }

    /** Echoes every byte back, one thread per connection; closes its side once the client's EOF arrives. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new ArrayList<>();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::acceptLoop, "echo-accept");
            t.setDaemon(true);
            t.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket s = server.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    Thread t = new Thread(() -> echo(s), "echo");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void echo(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // peer went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
