package io.ansiblemitogen.engine;

import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;

/** Opens the transport (one connection) for a target; hops, if any, are already open and passed in. */
@FunctionalInterface
public interface TransportFactory {
    Transport open(TargetSpec target, Transport via) throws TransportException;
}
