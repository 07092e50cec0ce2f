package io.ansiblemitogen.jenkins;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Line-buffers a child process's output and passes each line through a {@link ConsoleRenderer}. A secret can
 * only be masked once its whole line is known, so nothing is written before the end of a line (or
 * {@link #close()}, or a very long line, where the buffer is cut to bound memory).
 */
public final class RenderingOutputStream extends OutputStream {
    static final int MAX_LINE = 64 * 1024;
    private final OutputStream out;
    private final ConsoleRenderer renderer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean closed;

    public RenderingOutputStream(OutputStream out, ConsoleRenderer renderer) {
        this.out = out;
        this.renderer = renderer;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n' || line.size() >= MAX_LINE) {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void emit() throws IOException {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        boolean nl = text.endsWith("\n");
        String body = nl ? text.substring(0, text.length() - 1) : text;
        out.write(renderer.render(body).getBytes(StandardCharsets.UTF_8));
        if (nl) {
            out.write('\n');
        }
    }

    /** Flushes complete lines only; a partial line waits for its end so it can be masked. */
    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (line.size() > 0) {
            emit();
        }
        out.flush();
    }
}
