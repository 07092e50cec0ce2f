package io.ansiblemitogen.transport;

import java.io.InputStream;
import java.io.OutputStream;

/** A command started through a {@link Transport}. */
public interface RemoteProcess extends AutoCloseable {
    OutputStream stdin();

    InputStream stdout();

    /** The last few KB the command wrote on stderr (kept for error messages; read in the background). */
    String stderrTail();

    /** All of stderr as bytes, once the process has ended (for raw commands). */
    byte[] stderrBytes();

    /** Waits for the exit status; -1 if it did not end in time or the status is unknown. */
    int waitFor(long timeoutMillis) throws InterruptedException;

    @Override
    void close();
}
