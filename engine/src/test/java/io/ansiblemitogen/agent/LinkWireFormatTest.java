package io.ansiblemitogen.agent;

import io.ansiblemitogen.wire.Frame;
import io.ansiblemitogen.wire.FrameCodec;
import io.ansiblemitogen.wire.Json;
import io.ansiblemitogen.wire.LinkCompression;
import org.junit.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * What actually crosses the pipe to a real agent (python3 on this machine), recorded byte for byte: plain frames
 * without link compression, one raw deflate stream (RFC 1951) per direction with it (docs/protocol.md "Link layer").
 */
public class LinkWireFormatTest {
    private static final int PINGS = 20;

    /** Both directions of one agent's link, recorded. */
    private record Recording(byte[] sent, byte[] received, long countedOut, long countedIn) {
    }

    private static Recording talk(int level) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", AgentBootstrap.command("python3")).start();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = new FilterInputStream(p.getInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    synchronized (received) {
                        received.write(b, off, n);
                    }
                }
                return n;
            }
        };
        OutputStream out = new FilterOutputStream(p.getOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sent.write(b, off, len);
                this.out.write(b, off, len);
            }
        };
        AgentChannel ch = new AgentChannel("wire-test", in, out, () -> "", LogSink.DISCARD);
        ch.compressLink(level);
        try {
            ch.start(30_000);
            for (int i = 0; i < PINGS; i++) {
                ch.root().call(Json.object().put("op", "ping"), null, 10_000);
            }
            long countedIn = ch.bytesIn();
            long countedOut = ch.bytesOut();
            synchronized (received) {
                return new Recording(sent.toByteArray(), received.toByteArray(), countedOut, countedIn);
            }
        } finally {
            ch.close();
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<Frame> frames(InputStream in) throws IOException {
        List<Frame> out = new ArrayList<>();
        byte[] raw;
        while ((raw = FrameCodec.readRaw(in)) != null) {
            out.add(FrameCodec.decode(raw));
        }
        return out;
    }

    /**
     * Inflates a whole recorded direction with the JDK's raw inflater (no zlib header or trailer), independently of
     * LinkCompression: this pins the wire format, whatever either end's code does.
     */
    private static InputStream rawDeflate(byte[] wire, int off, int len) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        inflater.setInput(wire, off, len);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = inflater.inflate(buf)) > 0 || !inflater.needsInput()) {
            if (inflater.finished() || inflater.needsDictionary()) {
                fail("a link stream never ends and uses no dictionary");
            }
            out.write(buf, 0, n);
        }
        assertEquals("every byte of the stream inflated", 0, inflater.getRemaining());
        inflater.end();
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static long replies(List<Frame> frames) {
        return frames.stream().filter(f -> f.kind() == Frame.REPLY).count();
    }

    @Test
    public void withoutLinkCompressionTheWireCarriesPlainFrames() throws Exception {
        Recording r = talk(0);
        List<Frame> up = frames(new ByteArrayInputStream(r.received()));
        assertEquals(Frame.HELLO, up.get(0).kind());
        assertEquals(PINGS, replies(up));
        byte[] expectedStart = AgentBootstrap.payload(AgentChannel.ROOT, false, 0);
        assertArrayEquals("core, then the init frame without a zlib field", expectedStart,
                Arrays.copyOf(r.sent(), expectedStart.length));
        List<Frame> down = frames(new ByteArrayInputStream(r.sent(), expectedStart.length,
                r.sent().length - expectedStart.length));
        assertEquals(PINGS, down.size());
        assertEquals(r.received().length, r.countedIn());
        assertEquals(r.sent().length, r.countedOut());
    }

    @Test
    public void withLinkCompressionEachDirectionIsOneRawDeflateStream() throws Exception {
        Recording r = talk(6);
        try {
            List<Frame> notFrames = frames(new ByteArrayInputStream(r.received()));
            assertTrue("compressed bytes happened to parse as a HELLO",
                    notFrames.isEmpty() || notFrames.get(0).kind() != Frame.HELLO);
        } catch (IOException expected) {
            // a deflate stream is no frame stream
        }
        List<Frame> up = frames(rawDeflate(r.received(), 0, r.received().length));
        assertEquals(Frame.HELLO, up.get(0).kind());
        assertEquals(PINGS, replies(up));

        byte[] expectedStart = AgentBootstrap.payload(AgentChannel.ROOT, false, 6);
        assertArrayEquals("core, then the init frame with zlib: 6, uncompressed", expectedStart,
                Arrays.copyOf(r.sent(), expectedStart.length));
        assertEquals(6, FrameCodec.decode(Arrays.copyOfRange(r.sent(), AgentBootstrap.coreSize(),
                expectedStart.length)).header().path("zlib").asInt());
        List<Frame> down = frames(rawDeflate(r.sent(), expectedStart.length, r.sent().length - expectedStart.length));
        assertEquals(PINGS, down.size());
        assertEquals("ping", down.get(PINGS - 1).header().path("op").asText());

        Recording plain = talk(0);
        long compressedCalls = r.sent().length - expectedStart.length;
        long plainCalls = plain.sent().length - AgentBootstrap.payload(AgentChannel.ROOT, false, 0).length;
        assertTrue("20 pings: " + compressedCalls + " B compressed vs " + plainCalls + " B plain",
                compressedCalls * 2 < plainCalls);
        assertTrue("replies: " + r.received().length + " B compressed vs " + plain.received().length + " B plain",
                r.received().length * 10 < plain.received().length * 7); // a sync flush costs ~5 B a frame
        assertEquals("the channel counts wire bytes", r.received().length, r.countedIn());
    }

    /** A reply nobody waits for waits for the next frame up (one packet less), but never longer than 50 ms. */
    @Test
    public void aLazyReplyLeavesWithTheNextFrameOrAfterItsDelay() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", AgentBootstrap.command("python3")).start();
        AgentChannel ch = new AgentChannel("lazy-test", p.getInputStream(), p.getOutputStream(), () -> "",
                LogSink.DISCARD);
        ch.compressLink(6);
        try {
            ch.start(30_000);
            java.util.concurrent.CompletableFuture<Reply> lazy = new java.util.concurrent.CompletableFuture<>();
            ch.root().callDetached(Json.object().put("op", "ping"), null, (r, e) -> {
                if (e != null) {
                    lazy.completeExceptionally(e);
                } else {
                    lazy.complete(r);
                }
            });
            Thread.sleep(20);
            boolean early = lazy.isDone();
            ch.root().call(Json.object().put("op", "ping"), null, 10_000);
            lazy.get(10, TimeUnit.SECONDS);
            assertTrue("the lazy reply left before its delay and before any other frame", !early);
            assertTrue("the lazy reply came with the next one", lazy.isDone());

            Thread.sleep(100); // the first lazy reply's timer is spent
            java.util.concurrent.CompletableFuture<Reply> alone = new java.util.concurrent.CompletableFuture<>();
            long t1 = System.nanoTime();
            ch.root().callDetached(Json.object().put("op", "ping"), null, (r, e) -> alone.complete(r));
            alone.get(10, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t1) / 1_000_000;
            assertTrue("a lazy reply alone arrives after its delay, not at once: " + ms + " ms", ms >= 45);
        } finally {
            ch.close();
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void theEnvironmentSwitchReadsLikeUsersWriteIt() {
        assertEquals(LinkCompression.DEFAULT_LEVEL, LinkCompression.levelFromEnv(null));
        assertEquals(LinkCompression.DEFAULT_LEVEL, LinkCompression.levelFromEnv(""));
        for (String off : List.of("0", "no", "OFF", "false")) {
            assertEquals(off, 0, LinkCompression.levelFromEnv(off));
        }
        assertEquals(6, LinkCompression.levelFromEnv(" 6 "));
        assertEquals(LinkCompression.DEFAULT_LEVEL, LinkCompression.levelFromEnv("yes"));
        assertEquals("out of range keeps the default", LinkCompression.DEFAULT_LEVEL,
                LinkCompression.levelFromEnv("12"));
        if (LinkCompression.DEFAULT_LEVEL < 1) {
            fail("the default must compress");
        }
    }
}
