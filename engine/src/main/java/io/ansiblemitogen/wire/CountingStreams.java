package io.ansiblemitogen.wire;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Wrappers that count the bytes crossing a channel as they are on the wire (after link compression). */
public final class CountingStreams {
    private CountingStreams() {
    }

    public static InputStream in(InputStream in, AtomicLong counter) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    counter.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    counter.addAndGet(n);
                }
                return n;
            }
        };
    }

    public static OutputStream out(OutputStream out, AtomicLong counter) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                counter.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                counter.addAndGet(len);
            }
        };
    }
}
