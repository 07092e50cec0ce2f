package io.ansiblemitogen.wire;

import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Link layer 1 (docs/protocol.md "Link layer"): after the init frame, each direction of an engine-agent link is
 * one raw deflate stream (RFC 1951), flushed with SYNC_FLUSH after every frame. Raw, not zlib-wrapped: the stream
 * never ends, so a zlib trailer's Adler-32 would never be checked, yet both ends would compute it over every byte
 * (~0.1 s of CPU per side for a 200 MB copy); SSH's MAC already guards the bytes. The shared history makes a repeated reply (the same
 * JSON keys, the same module output) cost a few bytes. Used on SSH links only: local pipes gain nothing from it.
 */
public final class LinkCompression {
    /**
     * The level when nothing chose one. Measured on 100 x {@code command}: level 6 brings the replies ~8% below
     * level 1, which is what puts the engine under Mitogen; small frames cost no measurable CPU at either level,
     * and bulk data that does not compress is sent stored ({@link #BULK}).
     */
    public static final int DEFAULT_LEVEL = 6;
    /**
     * A frame this large (file chunks, module ZIPs) is a probe: when it shrinks by less than 10%, the next
     * {@link #SKIP_AFTER_PROBE} such frames go stored (deflate level 0: a copy, history kept), so a 200 MB copy of
     * random data or an already deflated ZIP costs no zlib CPU. The agent does the same (core.py Stream).
     */
    public static final int BULK = 32 * 1024;
    public static final int SKIP_AFTER_PROBE = 32;
    /**
     * Each probe that fails again doubles the stored run, up to this many frames: a probe deflates a whole chunk at
     * the full level, and one every 33 chunks cost a 200 MiB copy of random data ~6 MB of level-6 deflate per side.
     * A probe that compresses starts over at {@link #SKIP_AFTER_PROBE}, and so does a small frame (a reply, the end
     * of a file): at most that many chunks of the next file go stored before it is probed, as before the doubling.
     */
    public static final int SKIP_MAX = 1024;
    /** The user's switch: 0/no/off/false turns link compression off; 1-9 picks the level. */
    public static final String ENV = "ANSIBLE_MITOGEN_LINK_COMPRESSION";

    private LinkCompression() {
    }

    /**
     * The level from {@link #ENV} (its value {@code raw}, may be null): 0 for off, else 1-9.
     * An unreadable value keeps the default, so a typo never takes a host down.
     */
    public static int levelFromEnv(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LEVEL;
        }
        String v = raw.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "0", "no", "off", "false" -> {
                return 0;
            }
            case "yes", "on", "true" -> {
                return DEFAULT_LEVEL;
            }
            default -> {
                try {
                    int level = Integer.parseInt(v);
                    return level >= 1 && level <= 9 ? level : DEFAULT_LEVEL;
                } catch (NumberFormatException e) {
                    return DEFAULT_LEVEL;
                }
            }
        }
    }

    /** The level this engine process uses for links that may compress. */
    public static int configuredLevel() {
        return levelFromEnv(System.getenv(ENV));
    }

    /** Deflates what is written; {@code flush()} ends the frame with a SYNC_FLUSH so the peer can read it all. */
    public static OutputStream deflating(OutputStream raw, int level) {
        return new Deflating(raw, level);
    }

    /** Inflates a stream written by {@link #deflating} (or Python's raw compressobj + Z_SYNC_FLUSH). */
    public static InputStream inflating(InputStream raw) {
        return new Inflating(raw);
    }

    static final class Deflating extends FilterOutputStream {
        private final Deflater deflater;
        private final int level;
        private final byte[] buf = new byte[64 * 1024];
        private int currentLevel;
        private int skipBulk;
        private int nextSkip = SKIP_AFTER_PROBE;
        private long probes;
        private long frameIn;
        private long frameOut;
        private boolean probing;

        Deflating(OutputStream out, int level) {
            super(out);
            this.level = level;
            this.currentLevel = level;
            this.deflater = new Deflater(level, true);
        }

        /** Bulk frames deflated at the full level to see whether they shrink (for tests). */
        long probes() {
            return probes;
        }

        private void useLevel(int l) {
            if (l != currentLevel) {
                deflater.setLevel(l);
                currentLevel = l;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (deflater.finished()) {
                throw new IOException("link compression stream already closed");
            }
            if (len < BULK) {
                skipBulk = Math.min(skipBulk, SKIP_AFTER_PROBE);
                nextSkip = SKIP_AFTER_PROBE;
            }
            if (len >= BULK && skipBulk > 0) {
                skipBulk--;
                useLevel(Deflater.NO_COMPRESSION);
            } else {
                useLevel(level);
                if (len >= BULK && !probing) {
                    probes++;
                }
                probing |= len >= BULK;
            }
            frameIn += len;
            deflater.setInput(b, off, len);
            while (!deflater.needsInput()) {
                drain(Deflater.NO_FLUSH);
            }
        }

        @Override
        public void flush() throws IOException {
            // SYNC_FLUSH until the deflater leaves room in the buffer: then everything given is on its way.
            int n;
            do {
                n = drain(Deflater.SYNC_FLUSH);
            } while (n == buf.length);
            out.flush();
            if (probing) {
                if (frameOut * 10 > frameIn * 9) {
                    skipBulk = nextSkip;
                    nextSkip = Math.min(nextSkip * 2, SKIP_MAX);
                } else {
                    nextSkip = SKIP_AFTER_PROBE;
                }
            }
            probing = false;
            frameIn = 0;
            frameOut = 0;
        }

        private int drain(int mode) throws IOException {
            int n = deflater.deflate(buf, 0, buf.length, mode);
            if (n > 0) {
                out.write(buf, 0, n);
                frameOut += n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            deflater.end();
            out.close();
        }
    }

    private static final class Inflating extends InputStream {
        private final InputStream in;
        private final Inflater inflater = new Inflater(true);
        private final byte[] buf = new byte[64 * 1024];

        Inflating(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        /**
         * Blocks only until at least one byte is inflated; -1 when the peer's stream ends with all its bytes
         * inflated (a process that exited), an EOFException when it ends inside compressed data.
         */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            try {
                while (true) {
                    int n = inflater.inflate(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    if (inflater.finished()) {
                        return -1;
                    }
                    if (inflater.needsDictionary()) {
                        throw new IOException("corrupt link compression stream: dictionary requested");
                    }
                    int got = in.read(buf, 0, buf.length);
                    if (got < 0) {
                        // All input consumed: the frame reader tells a clean end from one inside a frame.
                        if (inflater.getRemaining() == 0) {
                            return -1;
                        }
                        throw new EOFException("the link's compressed stream ended mid-block");
                    }
                    inflater.setInput(buf, 0, got);
                }
            } catch (DataFormatException e) {
                throw new IOException("corrupt link compression stream: " + e.getMessage(), e);
            }
        }

        @Override
        public int available() throws IOException {
            return 0;
        }

        @Override
        public void close() throws IOException {
            inflater.end();
            in.close();
        }
    }
}
