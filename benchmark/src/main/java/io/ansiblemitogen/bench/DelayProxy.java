package io.ansiblemitogen.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A user-space TCP proxy that delays every chunk by a fixed one-way delay, in both directions, and counts bytes
 * and accepted connections. It stands in for {@code tc netem}, which the kernel here lacks.
 *
 * <p>One selector thread serves every listening port and connection: hundreds of mostly idle SSH connections
 * cost no threads. Delays come from one global FIFO of chunks: with a constant delay the due times are already
 * in order, so no chunk can overtake another and no priority queue is needed. A direction that has more than
 * {@link #HIGH_WATER} bytes in flight stops reading its source until the queue drains (TCP back-pressure, so a
 * 200 MB copy never buffers 200 MB here).
 *
 * <p>Each {@link Route} is one listening port in front of one upstream address; an inventory host gets its own
 * route so it has its own port and its own counters.
 */
public final class DelayProxy implements AutoCloseable {
    static final int HIGH_WATER = 4 << 20;
    private static final int LOW_WATER = 1 << 20;
    private static final int READ_SIZE = 64 << 10;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
    private final Set<Conn> conns = new HashSet<>();
    private final List<Route> routes = new ArrayList<>();
    /** Direct buffers read into, queued, written from and recycled: no copy between the two sockets. */
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private static final int POOL_MAX = 256;
    private volatile long delayNanos;
    private volatile boolean running = true;

    /** Starts the proxy thread; add routes with {@link #addRoute}. */
    public DelayProxy(long oneWayDelayMillis) {
        setDelayMillis(oneWayDelayMillis);
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open selector", e);
        }
        thread = new Thread(this::loop, "delay-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    /** Changes the one-way delay. Change it only while no traffic flows, or chunks could be reordered. */
    public void setDelayMillis(long oneWayDelayMillis) {
        if (oneWayDelayMillis < 0) {
            throw new IllegalArgumentException("negative delay");
        }
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayDelayMillis);
    }

    public long delayMillis() {
        return TimeUnit.NANOSECONDS.toMillis(delayNanos);
    }

    /** Listens on a free loopback port and forwards each connection to {@code upstream}. */
    public Route addRoute(InetSocketAddress upstream) {
        return call(() -> {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.configureBlocking(false);
            Route route = new Route(server, upstream);
            server.register(selector, SelectionKey.OP_ACCEPT, route);
            routes.add(route);
            return route;
        });
    }

    public List<Route> routes() {
        return call(() -> List.copyOf(routes));
    }

    /** Bytes received from clients (the controller) and forwarded upstream, over all routes. */
    public long bytesToUpstream() {
        return routes().stream().mapToLong(Route::bytesToUpstream).sum();
    }

    /** Bytes received from upstream (the targets) and forwarded to clients, over all routes. */
    public long bytesFromUpstream() {
        return routes().stream().mapToLong(Route::bytesFromUpstream).sum();
    }

    public long connectionsAccepted() {
        return routes().stream().mapToLong(Route::connectionsAccepted).sum();
    }

    /** Round trips the controller made, over all routes and connections (see {@link Route#roundTrips}). */
    public long roundTrips() {
        return routes().stream().mapToLong(Route::roundTrips).sum();
    }

    /** Connections currently open (accepted and not yet closed by both sides). */
    public int openConnections() {
        return call(conns::size);
    }

    public void resetCounters() {
        for (Route r : routes()) {
            r.reset();
        }
    }

    /** Closes every proxied connection: ends ssh ControlMasters and engine connections left by a run. */
    public void closeConnections() {
        call(() -> {
            for (Conn c : new ArrayList<>(conns)) {
                c.close();
            }
            inFlight.clear();
            return null;
        });
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        try {
            call(() -> {
                for (Conn c : new ArrayList<>(conns)) {
                    c.close();
                }
                for (Route r : routes) {
                    closeQuietly(r.server);
                }
                running = false;
                return null;
            });
        } catch (RuntimeException ignored) {
            running = false; // the loop may already be gone
        }
        selector.wakeup();
        try {
            thread.join(5000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private interface Task<T> {
        T run() throws IOException;
    }

    /** Runs on the selector thread: the only thread that touches channels and connection state. */
    private <T> T call(Task<T> task) {
        if (Thread.currentThread() == thread) {
            try {
                return task.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!running) {
            throw new IllegalStateException("proxy closed");
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                f.complete(task.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        selector.wakeup();
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("proxy thread did not answer", e);
        }
    }

    private void loop() {
        try {
            while (running) {
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                if (!running) {
                    break;
                }
                deliverDue(System.nanoTime());
                long timeoutMs = 0; // block until traffic or a task
                Chunk head = inFlight.peekFirst();
                if (head != null) {
                    long waitNanos = head.due - System.nanoTime();
                    if (waitNanos <= 0) {
                        selector.selectNow();
                        handleKeys();
                        continue;
                    }
                    timeoutMs = Math.max(1, (waitNanos + 999_999) / 1_000_000);
                }
                selector.select(timeoutMs);
                handleKeys();
            }
        } catch (ClosedSelectorException ignored) {
            // closed while stopping
        } catch (IOException e) {
            throw new UncheckedIOException("delay proxy failed", e);
        } finally {
            running = false;
            Runnable t;
            while ((t = tasks.poll()) != null) {
                t.run(); // answer waiting callers instead of leaving them to time out
            }
        }
    }

    private void handleKeys() {
        for (SelectionKey key : selector.selectedKeys()) {
            if (!key.isValid()) {
                continue;
            }
            Object a = key.attachment();
            if (a instanceof Route route) {
                accept(route);
            } else if (a instanceof Endpoint e) {
                handle(e, key);
            }
        }
        selector.selectedKeys().clear();
    }

    private void accept(Route route) {
        SocketChannel client;
        try {
            while ((client = route.server.accept()) != null) {
                route.accepted.incrementAndGet();
                SocketChannel upstream = SocketChannel.open();
                try {
                    client.configureBlocking(false);
                    client.socket().setTcpNoDelay(true);
                    upstream.configureBlocking(false);
                    upstream.socket().setTcpNoDelay(true);
                    Conn c = new Conn(route, client, upstream);
                    conns.add(c);
                    c.client.connected = true;
                    c.upstream.connected = upstream.connect(route.upstream);
                    c.client.key = client.register(selector, 0, c.client);
                    c.upstream.key = upstream.register(selector, 0, c.upstream);
                    c.client.updateOps();
                    c.upstream.updateOps();
                } catch (IOException e) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                }
            }
        } catch (IOException e) {
            // the listening socket failed or was closed: nothing more to accept on this route
        }
    }

    private void handle(Endpoint e, SelectionKey key) {
        Conn c = e.conn;
        try {
            if (key.isConnectable()) {
                if (e.channel.finishConnect()) {
                    e.connected = true;
                    e.flush();
                    e.updateOps();
                }
                return;
            }
            if (key.isWritable()) {
                e.flush();
            }
            if (key.isValid() && key.isReadable()) {
                e.read();
            }
            if (!c.closed) {
                e.updateOps();
            }
        } catch (IOException ex) {
            c.close();
        }
    }

    private void deliverDue(long now) {
        Chunk chunk;
        while ((chunk = inFlight.peekFirst()) != null && chunk.due <= now) {
            inFlight.pollFirst();
            Endpoint dest = chunk.dest;
            if (dest.conn.closed) {
                continue;
            }
            if (chunk.data == null) {
                dest.shutdownPending = true;
            } else {
                dest.out.add(chunk.data);
            }
            try {
                dest.flush();
                if (!dest.conn.closed) {
                    dest.updateOps();
                }
            } catch (IOException ex) {
                dest.conn.close();
            }
        }
    }

    private ByteBuffer take() {
        ByteBuffer b = pool.pollFirst();
        return b != null ? b : ByteBuffer.allocateDirect(READ_SIZE);
    }

    private void give(ByteBuffer b) {
        if (pool.size() < POOL_MAX) {
            b.clear();
            pool.addFirst(b);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A chunk read from one side, due for writing to {@code dest}; {@code data == null} carries an EOF. */
    private record Chunk(long due, Endpoint dest, ByteBuffer data) {
    }

    /** One listening port, its upstream and its counters. */
    public static final class Route {
        private final ServerSocketChannel server;
        private final InetSocketAddress upstream;
        private final int port;
        private final AtomicLong toUpstream = new AtomicLong();
        private final AtomicLong fromUpstream = new AtomicLong();
        private final AtomicLong accepted = new AtomicLong();
        private final AtomicLong roundTrips = new AtomicLong();

        private Route(ServerSocketChannel server, InetSocketAddress upstream) throws IOException {
            this.server = server;
            this.upstream = upstream;
            this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        public int port() {
            return port;
        }

        public InetSocketAddress upstream() {
            return upstream;
        }

        public long bytesToUpstream() {
            return toUpstream.get();
        }

        public long bytesFromUpstream() {
            return fromUpstream.get();
        }

        public long connectionsAccepted() {
            return accepted.get();
        }

        /**
         * Times the controller sent something after the target's last chunk reached it, with nothing sent since (and
         * each connection's first send):
         * each is the controller answering (or waiting on) the target, so a serial run pays one round trip of the
         * link for each. Data the controller streams without hearing back counts once; so does a reply to a
         * target's unprompted message (an SSH window adjustment), which can overcount a long transfer slightly.
         */
        public long roundTrips() {
            return roundTrips.get();
        }

        void reset() {
            toUpstream.set(0);
            fromUpstream.set(0);
            accepted.set(0);
            roundTrips.set(0);
        }
    }

    private final class Conn {
        final Route route;
        final Endpoint client;
        final Endpoint upstream;
        boolean closed;
        /**
         * A chunk from the target reached the controller and the controller has sent nothing since; true at the
         * start, so a connection's first request counts as the round trip it costs.
         */
        boolean controllerHeard = true;

        Conn(Route route, SocketChannel clientChannel, SocketChannel upstreamChannel) {
            this.route = route;
            this.client = new Endpoint(this, clientChannel, true);
            this.upstream = new Endpoint(this, upstreamChannel, false);
            client.peer = upstream;
            upstream.peer = client;
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            conns.remove(this);
            closeQuietly(client.channel);
            closeQuietly(upstream.channel);
        }

        void maybeFinished() {
            if (client.outputShut && upstream.outputShut) {
                close();
            }
        }
    }

    /** One side of a proxied connection: what is read from it goes to its peer; {@link #out} is written to it. */
    private final class Endpoint {
        final Conn conn;
        final SocketChannel channel;
        final boolean isClient;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        Endpoint peer;
        SelectionKey key;
        boolean connected;
        boolean readEof;
        boolean readPaused;
        boolean shutdownPending;
        boolean outputShut;
        /** Bytes read from this side and not yet written to the peer (delayed or waiting for the socket). */
        long pending;

        Endpoint(Conn conn, SocketChannel channel, boolean isClient) {
            this.conn = conn;
            this.channel = channel;
            this.isClient = isClient;
        }

        void read() throws IOException {
            // a bounded number of reads per wake-up keeps one busy connection from starving the others
            for (int i = 0; i < 16 && !readPaused && !readEof; i++) {
                ByteBuffer buf = take();
                int n = channel.read(buf);
                if (n <= 0) {
                    give(buf);
                }
                if (n == 0) {
                    return;
                }
                long due = System.nanoTime() + delayNanos;
                if (n < 0) {
                    readEof = true;
                    inFlight.addLast(new Chunk(due, peer, null));
                    return;
                }
                buf.flip();
                (isClient ? conn.route.toUpstream : conn.route.fromUpstream).addAndGet(n);
                if (isClient && conn.controllerHeard) {
                    conn.controllerHeard = false;
                    conn.route.roundTrips.incrementAndGet();
                }
                pending += n;
                inFlight.addLast(new Chunk(due, peer, buf));
                if (pending > HIGH_WATER) {
                    readPaused = true;
                }
            }
        }

        void flush() throws IOException {
            if (!connected || outputShut) {
                return;
            }
            while (!out.isEmpty()) {
                ByteBuffer b = out.peekFirst();
                int n = channel.write(b);
                peer.pending -= n;
                if (isClient && n > 0) {
                    conn.controllerHeard = true;
                }
                if (b.hasRemaining()) {
                    break;
                }
                give(out.pollFirst());
            }
            if (peer.readPaused && peer.pending < LOW_WATER) {
                peer.readPaused = false;
                peer.updateOps();
            }
            if (out.isEmpty() && shutdownPending) {
                channel.shutdownOutput();
                outputShut = true;
                conn.maybeFinished();
            }
        }

        void updateOps() {
            if (conn.closed || key == null || !key.isValid()) {
                return;
            }
            int ops;
            if (!connected) {
                ops = SelectionKey.OP_CONNECT;
            } else {
                ops = 0;
                if (!readEof && !readPaused) {
                    ops |= SelectionKey.OP_READ;
                }
                if (!out.isEmpty()) {
                    ops |= SelectionKey.OP_WRITE;
                }
            }
            key.interestOps(ops);
        }
    }
}
