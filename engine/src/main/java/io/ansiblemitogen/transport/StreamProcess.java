package io.ansiblemitogen.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RemoteProcess} made of its three streams, a way to wait for its exit status and a way to end it. Every
 * transport hands its commands out as one of these, so stderr is kept the same way whatever carries the command.
 */
public final class StreamProcess implements RemoteProcess {
    /** How a transport learns a command's exit status; -1 when it did not end in time or the status is unknown. */
    @FunctionalInterface
    public interface ExitStatus {
        int waitFor(long timeoutMillis) throws InterruptedException;
    }

    private final OutputStream stdin;
    private final InputStream stdout;
    private final StderrCollector stderr;
    private final ExitStatus exit;
    private final Runnable close;

    /** Starts draining {@code stderr} at once, so a chatty command never blocks on a full stderr pipe. */
    public StreamProcess(OutputStream stdin, InputStream stdout, InputStream stderr, String label, ExitStatus exit,
            Runnable close) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = new StderrCollector(stderr, label);
        this.exit = exit;
        this.close = close;
    }

    /** A child process of this JVM; closing it destroys the child. */
    public static StreamProcess of(Process p, String label) {
        return new StreamProcess(p.getOutputStream(), p.getInputStream(), p.getErrorStream(), label,
                timeoutMillis -> p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? p.exitValue() : -1, p::destroy);
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public String stderrTail() {
        return stderr.tail();
    }

    @Override
    public byte[] stderrBytes() {
        return stderr.bytes(5000);
    }

    @Override
    public int waitFor(long timeoutMillis) throws InterruptedException {
        return exit.waitFor(timeoutMillis);
    }

    @Override
    public void close() {
        close.run();
    }
}
