package io.ansiblemitogen.engine;

import io.ansiblemitogen.transport.ContainerTransport;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import io.ansiblemitogen.transport.ssh.SshTransportFactory;

/** The transports this engine offers, by {@code ansible_connection} name. */
public final class DefaultTransports implements TransportFactory, AutoCloseable {
    private final SshTransportFactory ssh = new SshTransportFactory();

    @Override
    public Transport open(TargetSpec target, Transport via) throws TransportException {
        return switch (target.transport()) {
            case "docker", "podman" -> container(target, via);
            default -> ssh.open(target, via); // ssh, local; it names any other type it does not support
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
    public void warmUp() {
        ssh.warmUp();
    }

    @Override
    public void close() {
        ssh.close();
    }
}
