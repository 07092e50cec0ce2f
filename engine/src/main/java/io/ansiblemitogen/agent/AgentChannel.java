package io.ansiblemitogen.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.wire.Frame;
import io.ansiblemitogen.wire.CountingStreams;
import io.ansiblemitogen.wire.FrameCodec;
import io.ansiblemitogen.wire.LinkCompression;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The framed stream to one root agent (the login interpreter of a connection) and, through it, to every context
 * below it. One reader thread demultiplexes replies, stream data, logs and hellos; writers share a lock.
 */
public final class AgentChannel implements AutoCloseable {
    public static final int ROOT = 1;

    private final String label;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final Object writeLock = new Object();
    private volatile InputStream in;
    private volatile OutputStream out;
    private int linkLevel;
    private final Supplier<String> diagnostics;
    private final LogSink logs;
    private final AtomicInteger nextReq = new AtomicInteger(1);
    private final AtomicInteger nextContext = new AtomicInteger(ROOT + 1);
    private final Map<Integer, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final Map<Integer, Consumer<Frame>> streams = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<ObjectNode>> hellos = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong roundTrips = new AtomicLong();
    private final Set<CompletableFuture<Reply>> detached = ConcurrentHashMap.newKeySet();
    private final ContextTree contexts = new ContextTree();
    private volatile ObjectNode rootHello;
    private volatile String deathCause;
    private volatile FrameTap tap;
    private boolean debug;
    private Thread reader;

    /**
     * @param diagnostics tells, when the agent dies, what the process said on stderr (e.g. "python3: not found")
     */
    public AgentChannel(String label, InputStream in, OutputStream out, Supplier<String> diagnostics, LogSink logs) {
        this.label = label;
        this.rawIn = CountingStreams.in(in, bytesIn);
        this.rawOut = CountingStreams.out(out, bytesOut);
        this.in = new BufferedInputStream(rawIn, 1 << 16);
        this.out = rawOut;
        this.diagnostics = diagnostics;
        this.logs = logs;
    }

    /**
     * Router debugging: every frame goes to {@code tap}, and the agent (and every child it starts) keeps its own
     * debug log on the target. Call before {@link #start}.
     */
    public void debug(FrameTap tap) {
        this.tap = tap;
        this.debug = true;
    }

    /**
     * Link compression (docs/protocol.md "Link layer"): once the init frame is out, both directions are one zlib
     * stream each at {@code level} (0: plain frames, the default). Call before {@link #start}.
     */
    public void compressLink(int level) {
        this.linkLevel = Math.max(0, Math.min(9, level));
    }

    /** The zlib level of this link, 0 when frames travel plain. */
    public int linkCompressionLevel() {
        return linkLevel;
    }

    /** Sends the core and waits for the root context's hello. */
    public ObjectNode start(long timeoutMillis) throws RemoteException {
        CompletableFuture<ObjectNode> hello = new CompletableFuture<>();
        hellos.put(ROOT, hello);
        if (linkLevel > 0) {
            // The agent compresses everything it writes: it writes nothing before it has read the init frame.
            in = new BufferedInputStream(LinkCompression.inflating(rawIn), 1 << 16);
        }
        reader = new Thread(this::readLoop, "agent-reader " + label);
        reader.setDaemon(true);
        reader.start();
        try {
            synchronized (writeLock) {
                writeRaw(AgentBootstrap.payload(ROOT, debug, linkLevel));
                if (linkLevel > 0) {
                    out = LinkCompression.deflating(rawOut, linkLevel);
                }
            }
        } catch (IOException e) {
            // The process may have died already (no Python); the reader reports why.
        }
        rootHello = awaitHello(ROOT, hello, timeoutMillis);
        return rootHello;
    }

    /** The login interpreter's hello (home, user: see docs/protocol.md), or null before it started. */
    public ObjectNode rootHello() {
        return rootHello;
    }

    /** Replies the engine waited for on this channel: each is one round trip on the wire. */
    public long roundTrips() {
        return roundTrips.get();
    }

    void countRoundTrip(int context) {
        roundTrips.incrementAndGet();
        contexts.countRoundTrip(context);
    }

    /** The contexts behind this channel: who started whom, their module ZIPs, which ended, their traffic. */
    public ContextTree contexts() {
        return contexts;
    }

    /**
     * A one-way call (request id 0: no reply, no round trip), for instructions the agent carries out in its reader
     * loop before it reads the next frame, such as {@code give_zip}.
     */
    public void post(int dst, ObjectNode header, byte[] body) throws RemoteException {
        send(dst, 0, Frame.CALL, header, body == null ? new byte[0] : body);
    }

    /** A call whose reply nobody waits for; {@link #close} gives it a moment to finish so nothing is lost. */
    void detach(CompletableFuture<Reply> f) {
        detached.add(f);
        f.whenComplete((r, e) -> detached.remove(f));
    }

    /** Waits for a hello registered with {@link #expectHello}; the registration ends either way. */
    public ObjectNode awaitHello(int context, CompletableFuture<ObjectNode> hello, long timeoutMillis)
            throws RemoteException {
        try {
            return hello.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RemoteException("unreachable", "the remote Python did not start within "
                    + timeoutMillis + " ms" + describeDiagnostics())
                    .withRemoteStderr(diagnostics == null ? "" : diagnostics.get());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RemoteException r) {
                throw r;
            }
            throw new RemoteException("unreachable", c.toString(), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException("unreachable", "interrupted while starting the remote Python");
        } finally {
            hellos.remove(context);
        }
    }

    /** Registers interest in a child's hello before asking its parent to spawn it. */
    public CompletableFuture<ObjectNode> expectHello(int context) {
        CompletableFuture<ObjectNode> f = new CompletableFuture<>();
        hellos.put(context, f);
        if (closed.get()) {
            f.completeExceptionally(lost());
        }
        return f;
    }

    /** Drops a hello registration whose spawn failed. */
    public void forgetHello(int context) {
        hellos.remove(context);
    }

    public int allocateContextId() {
        return nextContext.getAndIncrement();
    }

    public RemoteContext root() {
        return new RemoteContext(this, ROOT);
    }

    public RemoteContext context(int id) {
        return new RemoteContext(this, id);
    }

    public boolean isAlive() {
        return !closed.get();
    }

    public String deathCause() {
        return deathCause;
    }

    /** Bytes received on the channel as they were on the wire (compressed when the link is). */
    public long bytesIn() {
        return bytesIn.get();
    }

    /** Bytes sent on the channel as they were on the wire (compressed when the link is). */
    public long bytesOut() {
        return bytesOut.get();
    }

    int newRequestId() {
        int id = nextReq.getAndIncrement();
        return id == 0 ? nextReq.getAndIncrement() : id;
    }

    CompletableFuture<Reply> register(int req) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        pending.put(req, f);
        if (closed.get()) {
            pending.remove(req);
            f.completeExceptionally(lost().undelivered());
        }
        return f;
    }

    void unregister(int req) {
        pending.remove(req);
        streams.remove(req);
    }

    void onData(int req, Consumer<Frame> consumer) {
        streams.put(req, consumer);
    }

    void send(int dst, int req, byte kind, ObjectNode header, byte[] body) throws RemoteException {
        FrameTap t = tap;
        if (t != null) {
            t.frame(true, new Frame(dst, Frame.ENGINE, req, kind, header, body));
        }
        byte[] raw = FrameCodec.encode(dst, Frame.ENGINE, req, kind, header, body);
        writeFrame(dst, kind, raw, raw.length);
    }

    /** Sends the first {@code len} bytes of an in-place frame; the array may be reused once this returns. */
    void send(int dst, FrameCodec.InPlace frame, int bodyLen) throws RemoteException {
        int len = frame.finish(bodyLen);
        FrameTap t = tap;
        if (t != null) {
            try {
                t.frame(true, FrameCodec.decode(java.util.Arrays.copyOf(frame.array(), len)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot decode a frame just encoded", e);
            }
        }
        writeFrame(dst, Frame.DATA, frame.array(), len);
    }

    /** Writes the first {@code len} bytes of {@code raw}, one frame to {@code dst}; a failure loses the channel. */
    private void writeFrame(int dst, byte kind, byte[] raw, int len) throws RemoteException {
        try {
            writeRaw(raw, len);
            contexts.countOut(dst, len);
        } catch (IOException e) {
            fail("write failed: " + e.getMessage());
            throw kind == Frame.CALL ? lost().undelivered() : lost();
        }
    }

    /** One frame (or the bootstrap payload) as a unit: with link compression, the flush ends its zlib block. */
    private void writeRaw(byte[] bytes) throws IOException {
        writeRaw(bytes, bytes.length);
    }

    private void writeRaw(byte[] bytes, int len) throws IOException {
        synchronized (writeLock) {
            out.write(bytes, 0, len);
            out.flush();
        }
    }

    private void readLoop() {
        try {
            while (true) {
                byte[] raw = FrameCodec.readRaw(in);
                if (raw == null) {
                    fail("the remote Python exited");
                    return;
                }
                Frame f = FrameCodec.decode(raw);
                contexts.countIn(f.src(), raw.length);
                FrameTap t = tap;
                if (t != null) {
                    t.frame(false, f);
                }
                dispatch(f);
            }
        } catch (IOException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (RuntimeException e) {
            fail("internal error reading the agent stream: " + e);
        }
    }

    private void dispatch(Frame f) {
        switch (f.kind()) {
            case Frame.REPLY -> complete(f.req(), new Reply(f.header(), f.body()));
            case Frame.ERROR -> {
                CompletableFuture<Reply> p = pending.remove(f.req());
                if (p != null) {
                    p.completeExceptionally(new RemoteException(f.header().path("type").asText("failed"),
                            f.header().path("msg").asText("remote error")).withHeader(f.header()));
                }
            }
            case Frame.DATA -> {
                Consumer<Frame> c = streams.get(f.req());
                if (c != null) {
                    c.accept(f);
                }
            }
            case Frame.LOG -> logs.log(f.src(), f.header().path("level").asText("INFO"),
                    f.header().path("name").asText(""), f.header().path("msg").asText(""));
            case Frame.HELLO -> {
                CompletableFuture<ObjectNode> h = hellos.get(f.src());
                if (h != null) {
                    h.complete(f.header());
                }
            }
            case Frame.GONE -> f.header().path("ids").forEach(id -> {
                contexts.ended(id.asInt());
                CompletableFuture<ObjectNode> h = hellos.get(id.asInt());
                if (h != null) {
                    h.completeExceptionally(new RemoteException("unreachable", "context " + id.asInt()
                            + " ended while starting"));
                }
            });
            default -> logs.log(f.src(), "WARNING", "engine", "ignored frame of unknown kind " + f.kind());
        }
    }

    private void complete(int req, Reply reply) {
        CompletableFuture<Reply> p = pending.remove(req);
        if (p != null) {
            p.complete(reply);
        }
    }

    private RemoteException lost() {
        return new RemoteException("unreachable", "connection to the remote Python lost: "
                + (deathCause == null ? "closed" : deathCause) + describeDiagnostics())
                .withRemoteStderr(diagnostics == null ? "" : diagnostics.get());
    }

    private String describeDiagnostics() {
        String d = diagnostics == null ? null : diagnostics.get();
        return d == null || d.isBlank() ? "" : " (remote said: " + d.strip() + ")";
    }

    private void fail(String cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        deathCause = cause;
        RemoteException e = lost();
        pending.values().forEach(p -> p.completeExceptionally(e));
        pending.clear();
        hellos.values().forEach(h -> h.completeExceptionally(e));
        streams.clear();
        try {
            rawOut.close(); // not the compressing stream: a writer may still be inside it
        } catch (IOException ignored) {
            // Already dead.
        }
    }

    @Override
    public void close() {
        if (!closed.get() && !detached.isEmpty()) {
            // Fire-and-forget calls (removing a task's temp dir) finish before the interpreter goes away.
            try {
                CompletableFuture.allOf(detached.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException ignored) {
                // Failures were logged when they arrived; the channel closes anyway.
            }
        }
        fail("closed by the engine");
        if (tap instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Debug files are best effort.
            }
        }
        try {
            rawIn.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
    }
}
