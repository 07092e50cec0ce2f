package io.ansiblemitogen.become;

import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.StreamProcess;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;

import java.io.IOException;

/**
 * A local "connection" logged in as another (non-root) user: commands run through {@code runuser -u USER}, with
 * no terminal, as an SSH exec channel would. Lets become tests see real password prompts without an sshd.
 */
final class RunuserTransport implements Transport {
    private final String user;
    private volatile boolean open = true;

    RunuserTransport(String user) {
        this.user = user;
    }

    @Override
    public RemoteProcess exec(String command) throws TransportException {
        if (!open) {
            throw new TransportException("closed");
        }
        try {
            Process p = new ProcessBuilder("runuser", "-u", user, "--", "/bin/sh", "-c", "cd && " + command).start();
            return StreamProcess.of(p, "runuser " + user);
        } catch (IOException e) {
            throw new TransportException("cannot run runuser: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isConnected() {
        return open;
    }

    @Override
    public String describe() {
        return "runuser " + user;
    }

    @Override
    public void close() {
        open = false;
    }
}
