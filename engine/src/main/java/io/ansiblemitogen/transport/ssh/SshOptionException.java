package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.TransportException;

/** An ssh argument or option the engine cannot honour; the message names it and the variable it came from. */
public final class SshOptionException extends TransportException {
    public SshOptionException(String message) {
        super(message);
    }

    @Override
    public boolean isConfigurationError() {
        return true;
    }
}
