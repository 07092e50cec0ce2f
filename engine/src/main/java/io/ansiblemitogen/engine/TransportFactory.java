package io.ansiblemitogen.engine;

import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;

/** Opens the transport (one connection) for a target; hops, if any, are already open and passed in. */
@FunctionalInterface
public interface TransportFactory {
    Transport open(TargetSpec target, Transport via) throws TransportException;

    /**
     * Loads and runs, once, what the first connection will need (client objects, crypto), so that the first
     * target does not pay for it. Best effort: called from a background thread, must not throw.
     */
    default void warmUp() {
    }
}
