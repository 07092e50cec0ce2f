package io.ansiblemitogen.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.wire.Frame;
import io.ansiblemitogen.wire.FrameCodec;
import io.ansiblemitogen.wire.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** One interpreter on a target (login, become child, container), reached through an {@link AgentChannel}. */
public final class RemoteContext {
    public static final int CHUNK = 128 * 1024;

    private final AgentChannel channel;
    private final int id;

    RemoteContext(AgentChannel channel, int id) {
        this.channel = channel;
        this.id = id;
    }

    public int id() {
        return id;
    }

    public AgentChannel channel() {
        return channel;
    }

    /** Its channel is open and its parent has not reported it ended. */
    public boolean isAlive() {
        return channel.isAlive() && !channel.contexts().isGone(id);
    }

    /** A call and its reply. {@code timeoutMillis <= 0} waits for as long as the call takes. */
    public Reply call(ObjectNode header, byte[] body, long timeoutMillis) throws RemoteException {
        int req = channel.newRequestId();
        CompletableFuture<Reply> f = channel.register(req);
        long start = System.nanoTime();
        String op = header.path("op").asText();
        try {
            channel.send(id, req, Frame.CALL, header, body == null ? new byte[0] : body);
            Reply r = await(f, timeoutMillis, op);
            if (IoTrace.on()) {
                IoTrace.note(String.format("IO context %d: %s%s req %d: sent %d B body, received %d B body in %.1f ms",
                        id, op, header.has("fqn") ? " " + header.get("fqn").asText() : "", req,
                        body == null ? 0 : body.length, r.body().length, (System.nanoTime() - start) / 1e6));
            }
            return r;
        } catch (RemoteException e) {
            IoTrace.note("IO context " + id + ": " + op + " req " + req + " failed: " + e.type());
            throw e;
        } finally {
            channel.unregister(req);
        }
    }

    public Reply call(ObjectNode header) throws RemoteException {
        return call(header, null, 0);
    }

    /** Sends a file as a put_file call followed by DATA chunks; flow control is the transport's window. */
    public Reply putFile(ObjectNode header, InputStream data) throws RemoteException, IOException {
        int req = channel.newRequestId();
        CompletableFuture<Reply> f = channel.register(req);
        try {
            stream(req, f, header, data);
            Reply r = await(f, 0, "put_file");
            IoTrace.note("IO context " + id + ": put_file req " + req + ": " + header.path("size").asLong() + " B");
            return r;
        } finally {
            channel.unregister(req);
        }
    }

    /**
     * Sends a file without waiting for the reply: the agent tracks the call ({@code track}), and a later call on
     * this context that names it in {@code after} runs once the file is in place (or fails if it is not).
     */
    public PendingCall putFileDetached(ObjectNode header, InputStream data) throws RemoteException, IOException {
        int req = channel.newRequestId();
        CompletableFuture<Reply> f = channel.register(req);
        try {
            // lazy: nobody waits for this reply, so it may share a packet with the next frame up (protocol.md)
            stream(req, f, header.put("track", true).put("lazy", true), data);
        } catch (RemoteException | IOException | RuntimeException e) {
            channel.unregister(req);
            throw e;
        }
        channel.detach(f);
        return new PendingCall(this, req, f, "put_file " + header.path("path").asText());
    }

    /** Sends a call and does not wait for its reply; {@code onReply} sees the reply or the failure. */
    public void callDetached(ObjectNode header, byte[] body, java.util.function.BiConsumer<Reply, Throwable> onReply)
            throws RemoteException {
        int req = channel.newRequestId();
        CompletableFuture<Reply> f = channel.register(req);
        f.whenComplete((r, e) -> {
            channel.unregister(req);
            onReply.accept(r, e);
        });
        channel.detach(f);
        channel.send(id, req, Frame.CALL, header.put("lazy", true), body == null ? new byte[0] : body);
    }

    private void stream(int req, CompletableFuture<Reply> f, ObjectNode header, InputStream data)
            throws RemoteException, IOException {
        channel.send(id, req, Frame.CALL, header, new byte[0]);
        // Each chunk is read straight into the body of one reused DATA frame (FrameCodec.InPlace).
        FrameCodec.InPlace frame = new FrameCodec.InPlace(id, Frame.ENGINE, req, Frame.DATA,
                Json.object().put("eof", false), CHUNK);
        int n;
        while ((n = data.readNBytes(frame.array(), frame.bodyOffset(), CHUNK)) > 0) {
            if (f.isDone()) {
                break; // The remote side failed early (e.g. no such directory); its error is in f.
            }
            channel.send(id, frame, n);
        }
        channel.send(id, req, Frame.DATA, Json.object().put("eof", true), new byte[0]);
    }

    /** Receives a file: DATA chunks go to {@code sink} in order, then the reply arrives. */
    public Reply fetchFile(ObjectNode header, OutputStream sink) throws RemoteException, IOException {
        int req = channel.newRequestId();
        CompletableFuture<Reply> f = channel.register(req);
        AtomicReference<IOException> writeError = new AtomicReference<>();
        channel.onData(req, frame -> {
            if (writeError.get() == null && frame.body().length > 0) {
                try {
                    sink.write(frame.body());
                } catch (IOException e) {
                    writeError.set(e);
                }
            }
        });
        try {
            channel.send(id, req, Frame.CALL, header, new byte[0]);
            Reply r = await(f, 0, "fetch_file");
            IoTrace.note("IO context " + id + ": fetch_file req " + req + ": " + r.header().path("size").asLong()
                    + " B");
            if (writeError.get() != null) {
                throw writeError.get();
            }
            return r;
        } finally {
            channel.unregister(req);
        }
    }

    /** Waits for a reply: one round trip on the wire, however fast it came back. */
    Reply await(CompletableFuture<Reply> f, long timeoutMillis, String op) throws RemoteException {
        channel.countRoundTrip(id);
        try {
            return timeoutMillis > 0 ? f.get(timeoutMillis, TimeUnit.MILLISECONDS) : f.get();
        } catch (TimeoutException e) {
            throw new RemoteException("timeout", op + " got no reply within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RemoteException r) {
                throw r;
            }
            throw new RemoteException("failed", String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException("interrupted", op + " was interrupted");
        }
    }
}
