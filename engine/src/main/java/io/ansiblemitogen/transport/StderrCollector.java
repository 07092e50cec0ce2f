package io.ansiblemitogen.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Drains a stderr stream in the background, keeping all of it up to a cap (for error messages and raw). */
public final class StderrCollector {
    private static final int CAP = 1 << 20;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Thread thread;

    public StderrCollector(InputStream in, String name) {
        thread = new Thread(() -> drain(in), "stderr " + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void drain(InputStream in) {
        byte[] b = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(b)) > 0) {
                synchronized (buf) {
                    if (buf.size() < CAP) {
                        buf.write(b, 0, Math.min(n, CAP - buf.size()));
                    }
                }
            }
        } catch (IOException ignored) {
            // The stream ends with the process.
        }
    }

    public String tail() {
        synchronized (buf) {
            String s = buf.toString(StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        }
    }

    public byte[] bytes(long waitMillis) {
        try {
            thread.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (buf) {
            return buf.toByteArray();
        }
    }
}
