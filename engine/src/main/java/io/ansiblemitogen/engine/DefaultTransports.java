package io.ansiblemitogen.engine;

import io.ansiblemitogen.transport.ContainerTransport;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;

/** The transports this engine offers, by {@code ansible_connection} name. */
public final class DefaultTransports implements TransportFactory, AutoCloseable {
    @Override
    public Transport open(TargetSpec target, Transport via) throws TransportException {
        return switch (target.transport()) {
            case "local" -> new LocalTransport();
            case "docker", "podman" -> container(target, via);
            default -> throw new TransportException("connection type '" + target.transport()
                    + "' is not supported by this engine");
        };
    }

    private static Transport container(TargetSpec target, Transport via) throws TransportException {
        try {
            return new ContainerTransport(target.transport(), target.host(), target.user(), via);
        } catch (IllegalArgumentException e) {
            throw new TransportException(e.getMessage());
        }
    }

    @Override
    public void close() {
    }
}
