package io.ansiblemitogen.become;

import io.ansiblemitogen.agent.RemoteException;

/**
 * Becoming another user failed on a target that is otherwise fine (wrong or missing password, a become program
 * that refused, a flag the engine cannot honour). The host's task fails; the connection stays up. The message
 * names the method, the user and the host.
 */
public class BecomeException extends RemoteException {
    public static final String TYPE = "become";

    private final boolean badRequest;

    public BecomeException(String message, boolean badRequest) {
        super(badRequest ? "bad_request" : TYPE, message);
        this.badRequest = badRequest;
    }

    /** True when the request itself was unusable (a conflicting flag, an unknown method). */
    public boolean isBadRequest() {
        return badRequest;
    }
}
