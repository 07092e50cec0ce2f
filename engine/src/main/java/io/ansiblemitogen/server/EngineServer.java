package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.Engine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the engine protocol on a Unix socket: one thread per client (an Ansible worker process), requests
 * answered in order. {@link #awaitStop()} returns once stopped by a client, by {@link #stop()}, or (for a
 * daemon) after the idle time with no client connected.
 */
public final class EngineServer implements AutoCloseable {
    private final Engine engine;
    private final Path socket;
    private final long idleMillis;
    private final RequestHandler handler;
    private final ServerSocketChannel server;
    private final ExecutorService clients = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "engine-client");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger connected = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long lastActivity = System.currentTimeMillis();
    private volatile String stopReason = "running";
    private final PeerCheck peers;
    private final InFlightBudget budget = InFlightBudget.fromHeap();
    private final long frameTimeoutMillis = ClientConnection.defaultFrameTimeoutMillis();

    /** @param idleMillis stop after this long with no client and no request; 0 never */
    public EngineServer(Engine engine, Path socket, long idleMillis) throws IOException {
        this.engine = engine;
        this.socket = socket;
        this.idleMillis = idleMillis;
        this.handler = new RequestHandler(engine, () -> stop("asked to shut down"));
        engine.setDebugDir(socket.getParent().resolve("debug"));
        SocketDirs.ensurePrivate(socket.getParent());
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        // bind() made the socket with the umask's mode (often srwxr-xr-x); the directory already keeps others out,
        // and the socket itself is the owner's only too, as docs/daemon.md promises.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        peers = PeerCheck.sameUserAs(socket);
    }

    public Path socket() {
        return socket;
    }

    public EngineServer start() {
        Thread accept = new Thread(this::acceptLoop, "engine-accept");
        accept.setDaemon(true);
        accept.start();
        if (idleMillis > 0) {
            Thread idle = new Thread(this::idleWatch, "engine-idle");
            idle.setDaemon(true);
            idle.start();
        }
        return this;
    }

    private void acceptLoop() {
        AcceptBackoff backoff = new AcceptBackoff();
        while (!stopped.get()) {
            SocketChannel ch = null;
            try {
                ch = server.accept();
                backoff.succeeded();
                if (!peers.admits(ch)) {
                    ch.close();
                    continue;
                }
                SocketChannel accepted = ch;
                clients.execute(() -> serve(accepted));
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                // Per-connection trouble (EMFILE, no memory or thread for the client): the socket stays served.
                if (stopped.get()) {
                    return;
                }
                closeQuietly(ch);
                backoff.failed(e);
            }
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Nothing more can be done for this client.
            }
        }
    }

    private void serve(SocketChannel ch) {
        connected.incrementAndGet();
        try (ClientConnection conn = new ClientConnection(ch, budget, frameTimeoutMillis)) {
            ClientConnection.Incoming in;
            while ((in = conn.next()) != null) {
                lastActivity = System.currentTimeMillis();
                conn.send(in.refusal() != null ? RequestHandler.badRequest(in.refusal()) : answer(in.request()));
                conn.done();
                lastActivity = System.currentTimeMillis();
            }
        } catch (IOException e) {
            // The client went away, or broke the protocol (a frame cut short, overdue): its requests are over.
            if (e.getMessage() != null && e.getMessage().startsWith("closed a client")) {
                System.err.println("ansible-mitogen engine: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping
        } finally {
            connected.decrementAndGet();
            lastActivity = System.currentTimeMillis();
        }
    }

    /** The handler's reply; running out of memory or stack fails this request only, and says so. */
    private JsonNode answer(JsonNode req) {
        try {
            return handler.handle(req);
        } catch (OutOfMemoryError | StackOverflowError e) {
            return RequestHandler.internalError(req, "the engine ran out of " + (e instanceof OutOfMemoryError
                    ? "memory (raise -Xmx in ANSIBLE_MITOGEN_JAVA_OPTS)" : "stack") + " handling '"
                    + req.path("op").asText("") + "'");
        }
    }

    private void idleWatch() {
        // Checked often enough that the daemon ends within about a tenth of the idle time after it.
        long tick = Math.max(100, Math.min(idleMillis / 10, 5_000));
        while (!stopped.get()) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            if (connected.get() == 0 && System.currentTimeMillis() - lastActivity >= idleMillis) {
                stop("idle for " + idleMillis / 1000 + " s with no client");
            }
        }
    }

    public void stop() {
        stop("stopped");
    }

    /** Why {@link #awaitStop()} returned: idle, asked by a client, or stopped by its owner. */
    public String stopReason() {
        return stopReason;
    }

    private void stop(String reason) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        stopReason = reason;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // Nothing else can be done.
        }
        clients.shutdownNow();
        engine.close();
        done.countDown();
    }

    public void awaitStop() throws InterruptedException {
        done.await();
    }

    @Override
    public void close() {
        stop();
    }
}
