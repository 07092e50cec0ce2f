package io.ansiblemitogen.transport;

import java.io.IOException;

/** {@code ansible_connection: local}: commands run as this JVM's user through {@code /bin/sh -c}. */
public final class LocalTransport implements Transport {
    private volatile boolean open = true;

    @Override
    public RemoteProcess exec(String command) throws TransportException {
        if (!open) {
            throw new TransportException("local transport is closed");
        }
        try {
            return StreamProcess.of(new ProcessBuilder("/bin/sh", "-c", command).start(), "local");
        } catch (IOException e) {
            throw new TransportException("cannot start /bin/sh: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isConnected() {
        return open;
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public void close() {
        open = false;
    }
}
