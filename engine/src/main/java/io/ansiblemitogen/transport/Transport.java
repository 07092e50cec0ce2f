package io.ansiblemitogen.transport;

/**
 * A way to run commands on one target: an SSH session, the local machine, a container runtime. One transport is
 * one connection; the engine starts the login interpreter through it and, only when there is no Python, runs raw
 * commands through it directly.
 */
public interface Transport extends AutoCloseable {
    /** Starts {@code command} through the target's shell; the caller owns the returned process. */
    RemoteProcess exec(String command) throws TransportException;

    /** False once the underlying connection is known to be gone. */
    boolean isConnected();

    /**
     * The zlib level for the link to a login interpreter started through this transport (link layer 1,
     * docs/protocol.md), 0 for plain frames. Only links over a network gain from it: pipes default to 0.
     */
    default int linkCompressionLevel() {
        return 0;
    }

    /** For messages: e.g. {@code ssh deploy@10.0.0.5:22}. */
    String describe();

    @Override
    void close();
}
