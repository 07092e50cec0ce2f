package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.wire.Json;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine's side of one client socket: reads request frames (docs/protocol.md, section 1) without trusting
 * their announced length, and writes replies.
 *
 * <p>A body is read in chunks into a buffer that grows with what arrived (and is reserved, as it grows, in the
 * {@link InFlightBudget} all connections share), so a length that is announced and not sent costs nothing. Once a frame has begun, the rest of
 * it must arrive within the frame time limit, or the connection is closed (the client broke the protocol; its
 * reservation is given back). A frame over {@link MessageIO#MAX_MESSAGE}, or one that is not a JSON object, is
 * read to its end and answered with a {@code bad_request} naming the limit, so the client learns why and the
 * socket stays in step. Between frames a client may stay silent for as long as it likes: an Ansible worker keeps
 * its connection while the run lasts.
 */
final class ClientConnection implements Closeable {
    private static final int CHUNK = 64 * 1024;
    /** Closes connections whose frame is overdue; one thread for all of them. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "engine-frame-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel ch;
    private final InFlightBudget budget;
    private final long frameTimeoutMillis;
    private long held;

    /** What a frame turned out to be: a request object, or a reason to refuse it (with the connection kept). */
    record Incoming(JsonNode request, String refusal) {
    }

    ClientConnection(SocketChannel ch, InFlightBudget budget, long frameTimeoutMillis) {
        this.ch = ch;
        this.budget = budget;
        this.frameTimeoutMillis = frameTimeoutMillis;
    }

    /** The time limit for one frame once it has begun: {@code -Dansible.mitogen.frameTimeoutMs}, default 60 s. */
    static long defaultFrameTimeoutMillis() {
        return Long.getLong("ansible.mitogen.frameTimeoutMs", 60_000L);
    }

    /**
     * The next frame, null at a clean end of stream. The bytes reserved for it stay reserved until {@link #done()}
     * (the request's tree and what it decodes live while it is handled).
     */
    Incoming next() throws IOException, InterruptedException {
        done();
        ByteBuffer head = ByteBuffer.allocate(4);
        if (ch.read(head) < 0) {
            return null;
        }
        long len;
        try (Deadline d = new Deadline(0)) {
            fill(head, d, "inside a frame's length");
            len = Integer.toUnsignedLong(head.flip().getInt());
        }
        if (len > MessageIO.MAX_MESSAGE) {
            discard(len);
            return new Incoming(null, "request of " + len + " bytes is over the engine's limit of "
                    + MessageIO.MAX_MESSAGE + " bytes (64 MiB) per request");
        }
        byte[] body = readBody((int) len, len > InFlightBudget.UNCOUNTED);
        JsonNode req;
        try {
            req = Json.read(body);
        } catch (IOException e) {
            // Not JSON, or past one of the parser's limits (nesting, number or name length): the message says which.
            return new Incoming(null, "request is not valid JSON or exceeds a limit: " + e.getMessage());
        }
        if (!req.isObject()) {
            return new Incoming(null, "request must be a JSON object, not " + req.getNodeType().name().toLowerCase());
        }
        return new Incoming(req, null);
    }

    /** Gives back the reservation of the last frame. */
    void done() {
        if (held > 0) {
            budget.release(held);
            held = 0;
        }
    }

    void send(JsonNode reply) throws IOException {
        byte[] body = Json.write(reply);
        ByteBuffer buf = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        // A client that stops reading its reply would hold this thread for ever.
        try (Deadline d = new Deadline(body.length)) {
            while (buf.hasRemaining()) {
                try {
                    ch.write(buf);
                } catch (AsynchronousCloseException e) {
                    throw d.overdue("did not read its reply of " + body.length + " bytes", e);
                }
            }
        }
    }

    /** The body, in a buffer that grows with what arrived; a counted one's buffer is reserved as it grows. */
    private byte[] readBody(int len, boolean counted) throws IOException, InterruptedException {
        try (Deadline d = new Deadline(len)) {
            int size = Math.min(len, CHUNK);
            room(counted, size, d, len, 0);
            byte[] body = new byte[size];
            int got = 0;
            while (got < len) {
                if (got == body.length) {
                    int grown = (int) Math.min((long) body.length * 2, len);
                    room(counted, grown - body.length, d, len, got);
                    body = Arrays.copyOf(body, grown);
                }
                ByteBuffer b = ByteBuffer.wrap(body, got, Math.min(body.length - got, CHUNK));
                got += readSome(b, d, len, got);
            }
            return body;
        }
    }

    private void room(boolean counted, long bytes, Deadline d, long len, long got)
            throws IOException, InterruptedException {
        if (!counted) {
            return;
        }
        if (!budget.reserve(bytes, d.endsAt)) {
            throw new IOException("closed a client whose request of " + len + " bytes (" + got + " read) found no"
                    + " room in the engine's request memory (" + budget.capacity() + " bytes for all clients) within "
                    + d.millis + " ms");
        }
        held += bytes;
    }

    private void discard(long len) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(CHUNK);
        long got = 0;
        try (Deadline d = new Deadline(Math.min(len, MessageIO.MAX_MESSAGE))) {
            while (got < len) {
                sink.clear().limit((int) Math.min(CHUNK, len - got));
                got += readSome(sink, d, len, got);
            }
        }
    }

    private int readSome(ByteBuffer b, Deadline d, long len, long got) throws IOException {
        int n;
        try {
            n = ch.read(b);
        } catch (AsynchronousCloseException e) {
            throw d.overdue("announced a request of " + len + " bytes and sent " + got, e);
        }
        if (n < 0) {
            throw new EOFException("stream ended inside a request (" + got + " of " + len + " bytes)");
        }
        return n;
    }

    private void fill(ByteBuffer b, Deadline d, String where) throws IOException {
        while (b.hasRemaining()) {
            int n;
            try {
                n = ch.read(b);
            } catch (AsynchronousCloseException e) {
                throw d.overdue("stopped " + where, e);
            }
            if (n < 0) {
                throw new EOFException("stream ended " + where);
            }
        }
    }

    @Override
    public void close() throws IOException {
        done();
        ch.close();
    }

    /** Closes the channel if the frame is not through in time: blocked reads and writes then fail at once. */
    private final class Deadline implements AutoCloseable {
        private final AtomicBoolean expired = new AtomicBoolean();
        private final long millis;
        private final long endsAt;
        private final ScheduledFuture<?> alarm;

        /** The time limit, plus a second per 8 MiB so that a maximal frame on a slow machine is not cut short. */
        Deadline(long bytes) {
            millis = frameTimeoutMillis + bytes / (8 << 20) * 1000;
            endsAt = System.currentTimeMillis() + millis;
            alarm = WATCHDOG.schedule(() -> {
                expired.set(true);
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // It is being given up on either way.
                }
            }, millis, TimeUnit.MILLISECONDS);
        }

        IOException overdue(String what, AsynchronousCloseException cause) {
            if (!expired.get()) {
                return cause; // closed by the server's stop, not by this deadline
            }
            return new IOException("closed a client that " + what + " within " + millis + " ms", cause);
        }

        @Override
        public void close() {
            alarm.cancel(false);
        }
    }
}
