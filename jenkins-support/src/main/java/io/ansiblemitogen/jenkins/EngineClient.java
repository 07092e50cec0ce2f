package io.ansiblemitogen.jenkins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client of the engine protocol (docs/protocol.md, section 1): 4-byte big-endian length, then UTF-8 JSON.
 * One request at a time. Every exchange has a deadline, so a hung daemon cannot hang a build.
 */
public final class EngineClient implements Closeable {
    public static final int PROTOCOL = 1;
    static final int MAX_FRAME = 64 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ansible-mitogen engine client watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final Path socket;
    private final Duration timeout;
    private int nextId = 1;

    private EngineClient(SocketChannel channel, Path socket, Duration timeout) {
        this.channel = channel;
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Connects; a missing socket or a refused connection is a {@link DaemonUnavailableException}. */
    public static EngineClient connect(Path socket, Duration timeout) throws IOException {
        if (!Files.exists(socket)) {
            throw new DaemonUnavailableException("no engine socket at " + socket, false, null);
        }
        try {
            return new EngineClient(connectWithin(socket, timeout), socket, timeout);
        } catch (ConnectException e) {
            throw new DaemonUnavailableException("no engine listens on " + socket + " (" + e.getMessage() + ")",
                    true, e);
        }
    }

    /**
     * A blocking connect to a daemon that stopped accepting (out of file descriptors, stuck) waits for as long as
     * its queue stays full; non-blocking, the kernel answers EAGAIN at once. Retried until the deadline.
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
                if (e instanceof ConnectException
                        || !String.valueOf(e.getMessage()).contains("Resource temporarily unavailable")) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(notAnswering(socket, "does not accept connections (its queue is full)",
                        timeout));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to " + socket, e);
            }
        }
    }

    /** A daemon that listens and is of no use: the socket, and what to do (it is not replaced by itself). */
    static String notAnswering(Path socket, String what, Duration timeout) {
        return "the ansible-mitogen daemon at " + socket + " " + what + " within " + timeout.toSeconds() + " s; it"
                + " may be out of file descriptors (ulimit -n of the agent) or stuck: look at its log, then stop it"
                + " (kill its java process on the agent) so that the next build starts a new one";
    }

    public Path socket() {
        return socket;
    }

    /** Sends {@code op} with the given fields; returns the reply, or throws {@link EngineException} if not ok. */
    public synchronized JsonNode request(String op, ObjectNode fields) throws IOException {
        int id = nextId++;
        ObjectNode req = JSON.createObjectNode();
        req.put("op", op);
        req.put("id", id);
        if (fields != null) {
            req.setAll(fields);
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
            expired.set(true); // before closing: the blocked read fails as soon as the channel closes
            closeQuietly();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        JsonNode reply;
        try {
            writeFrame(JSON.writeValueAsBytes(req));
            reply = JSON.readTree(readFrame());
        } catch (IOException e) {
            if (expired.get()) {
                throw new IOException(notAnswering(socket, "did not answer '" + op + "'", timeout), e);
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
        if (reply == null || !reply.isObject()) {
            throw new IOException("the engine at " + socket + " sent a reply that is not a JSON object");
        }
        if (reply.path("id").asInt(-1) != id) {
            throw new IOException("the engine at " + socket + " answered request " + reply.path("id")
                    + " when " + id + " was expected");
        }
        if (!reply.path("ok").asBoolean(false)) {
            JsonNode err = reply.path("error");
            throw new EngineException(err.path("kind").asText("internal"),
                    "engine error for '" + op + "': " + err.path("msg").asText(reply.toString()));
        }
        return reply;
    }

    /** The protocol hand-shake; fails clearly when the daemon speaks another protocol version. */
    public EngineInfo hello(String client) throws IOException {
        ObjectNode f = JSON.createObjectNode();
        f.put("protocol", PROTOCOL);
        f.put("client", client);
        JsonNode r = request("hello", f);
        int protocol = r.path("protocol").asInt(-1);
        if (protocol != PROTOCOL) {
            throw new IOException("the engine at " + socket + " speaks protocol " + protocol + ", this client speaks "
                    + PROTOCOL + "; stop the old daemon (ansible-mitogen pool stop) so a matching one starts");
        }
        return new EngineInfo(protocol, r.path("engine_version").asText("unknown"));
    }

    public List<TargetStats> poolStatus() throws IOException {
        return poolSnapshot().targets();
    }

    public PoolSnapshot poolSnapshot() throws IOException {
        JsonNode r = request("pool_status", null);
        List<TargetStats> out = new ArrayList<>();
        for (JsonNode t : r.path("targets")) {
            JsonNode id = t.path("identity");
            out.add(new TargetStats(id.isTextual() ? id.asText() : id.toString(), t.path("host").asText(),
                    t.path("port").asInt(), t.path("user").asText(), t.path("contexts").asInt(),
                    t.path("age_s").asDouble(), t.path("requests").asLong(), t.path("bytes_in").asLong(),
                    t.path("bytes_out").asLong()));
        }
        return new PoolSnapshot(out, r.path("connections_opened").asLong(-1));
    }

    private void writeFrame(byte[] body) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 + body.length);
        buf.putInt(body.length).put(body).flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private byte[] readFrame() throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(len);
        long n = Integer.toUnsignedLong(len.flip().getInt());
        if (n > MAX_FRAME) {
            throw new IOException("the engine at " + socket + " sent a frame of " + n + " bytes; is this really"
                    + " an ansible-mitogen engine socket?");
        }
        ByteBuffer body = ByteBuffer.allocate((int) n);
        readFully(body);
        return body.array();
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("the engine at " + socket + " closed the connection");
            }
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the deadline already failed the exchange
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Encodes one frame; for tests and fakes that need to speak the protocol. */
    static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }
}
