package io.ansiblemitogen.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ansible_connection: docker | podman}: commands run through {@code RUNTIME exec -i [-u USER] NAME}, on this
 * machine or, behind a hop, as one more exec channel of the hop's connection (no new SSH connection).
 */
public final class ContainerTransport implements Transport {
    private final String runtime;
    private final String container;
    private final String user;
    private final Transport via;
    private volatile boolean open = true;

    /** @param via the transport of the host that runs the containers, or null for this machine */
    public ContainerTransport(String runtime, String container, String user, Transport via) {
        if (container == null || container.isBlank()) {
            throw new IllegalArgumentException("no container name (ansible_host) for connection type " + runtime);
        }
        this.runtime = runtime;
        this.container = container;
        this.user = user;
        this.via = via == null ? new LocalTransport() : via;
    }

    List<String> argv(String command) {
        List<String> argv = new ArrayList<>(List.of(runtime, "exec", "-i"));
        if (user != null && !user.isBlank()) {
            argv.add("-u");
            argv.add(user);
        }
        argv.add(container);
        argv.addAll(List.of("/bin/sh", "-c", command));
        return argv;
    }

    @Override
    public RemoteProcess exec(String command) throws TransportException {
        if (!open) {
            throw new TransportException(describe() + " is closed");
        }
        return via.exec(ShellQuote.join(argv(command)));
    }

    @Override
    public boolean isConnected() {
        return open && via.isConnected();
    }

    @Override
    public String describe() {
        return runtime + " " + (user == null ? "" : user + "@") + container
                + (via instanceof LocalTransport ? "" : " via " + via.describe());
    }

    @Override
    public void close() {
        open = false; // The hop's connection belongs to the pool, not to this container.
    }
}
