package io.ansiblemitogen.jenkins;

import java.io.IOException;

/** Nothing answers on the socket: no daemon runs there (or a dead one left its socket behind). */
public class DaemonUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean staleSocket;

    public DaemonUnavailableException(String message, boolean staleSocket, Throwable cause) {
        super(message, cause);
        this.staleSocket = staleSocket;
    }

    /** The socket file exists but nobody listens on it. */
    public boolean staleSocket() {
        return staleSocket;
    }
}
