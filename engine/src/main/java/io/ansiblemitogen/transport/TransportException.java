package io.ansiblemitogen.transport;

/**
 * A target or hop could not be reached or authenticated. The message says, in words a user can act on, what
 * went wrong (refused port, unknown host key, wrong key...).
 */
public class TransportException extends Exception {
    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * True when a connection setting is at fault (e.g. an ssh option the engine cannot honour), so the request is
     * a bad request rather than an unreachable host.
     */
    public boolean isConfigurationError() {
        return false;
    }
}
