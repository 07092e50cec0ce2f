package io.ansiblemitogen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.server.MessageIO;
import io.ansiblemitogen.server.RequestHandler;
import io.ansiblemitogen.wire.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A client of the engine protocol, for the CLI's own use (pool status, stop, finding a running daemon). */
public final class EngineClient implements AutoCloseable {
    /** How long the CLI waits for a daemon to take its connection, and for each answer. */
    static final Duration TIMEOUT = Duration.ofMillis(Long.getLong("ansible.mitogen.clientTimeoutMs", 10_000L));
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ansible-mitogen client watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final Path socket;
    private final Duration timeout;
    private final InputStream in;
    private final OutputStream out;
    private int nextId = 1;

    private EngineClient(SocketChannel channel, Path socket, Duration timeout) {
        this.channel = channel;
        this.socket = socket;
        this.timeout = timeout;
        this.in = Channels.newInputStream(channel);
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects and says hello, each within {@link #TIMEOUT}; throws if nothing answers on {@code socket}. */
    public static EngineClient connect(Path socket) throws IOException {
        return connect(socket, TIMEOUT);
    }

    /**
     * Connects and says hello, each within {@code timeout}: a missing socket or a refused connection is an
     * IOException, a daemon that listens and does not answer a {@link DaemonNotAnswering}.
     */
    public static EngineClient connect(Path socket, Duration timeout) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("no engine socket at " + socket);
        }
        SocketChannel ch;
        try {
            ch = connectWithin(socket, timeout);
        } catch (DaemonNotAnswering e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("no engine answers on " + socket + ": " + e.getMessage(), e);
        }
        EngineClient c = new EngineClient(ch, socket, timeout);
        JsonNode hello = c.request(Json.object().put("op", "hello").put("protocol", RequestHandler.PROTOCOL)
                .put("client", "ansible-mitogen-cli"));
        if (!hello.path("ok").asBoolean()) {
            c.close();
            throw new IOException("engine at " + socket + " refused the hello: " + hello.path("error"));
        }
        return c;
    }

    /**
     * A blocking connect to a daemon that stopped accepting waits for as long as its queue is full; non-blocking,
     * the kernel says EAGAIN at once. Retried until the deadline, then the daemon is named as not answering.
     */
    private static SocketChannel connectWithin(Path socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // A failed connect closes its channel: every attempt takes a new one.
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.configureBlocking(false);
                if (ch.connect(UnixDomainSocketAddress.of(socket)) || ch.finishConnect()) {
                    ch.configureBlocking(true);
                    return ch;
                }
                ch.close();
            } catch (IOException e) {
                ch.close();
                if (!String.valueOf(e.getMessage()).contains("Resource temporarily unavailable")) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new DaemonNotAnswering(socket, "does not accept connections (its queue is full)", timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to " + socket, e);
            }
        }
    }

    /** True if a daemon answers on {@code socket}. */
    public static boolean isAlive(Path socket) {
        try (EngineClient ignored = connect(socket)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One request and its reply, within the client's time limit (the CLI's requests are all quick ones). */
    public synchronized JsonNode request(ObjectNode req) throws IOException {
        req.put("id", nextId++);
        String op = req.path("op").asText();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
            expired.set(true);
            try {
                channel.close(); // a blocked read fails at once
            } catch (IOException ignored) {
                // the deadline fails the exchange either way
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        JsonNode reply;
        try {
            MessageIO.write(out, req);
            reply = MessageIO.read(in);
        } catch (IOException e) {
            if (expired.get()) {
                throw new DaemonNotAnswering(socket, "did not answer '" + op + "'", timeout);
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
        if (reply == null) {
            throw new IOException("the engine closed the connection");
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
