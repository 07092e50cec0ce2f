package io.ansiblemitogen.agent;

import java.util.concurrent.CompletableFuture;

/** A call sent without waiting for its reply (see {@link RemoteContext#putFileDetached}). */
public final class PendingCall {
    private final RemoteContext context;
    private final int req;
    private final CompletableFuture<Reply> reply;
    private final String what;

    PendingCall(RemoteContext context, int req, CompletableFuture<Reply> reply, String what) {
        this.context = context;
        this.req = req;
        this.reply = reply;
        this.what = what;
    }

    /** The request id a later call names in {@code after}. */
    public int req() {
        return req;
    }

    public RemoteContext context() {
        return context;
    }

    /** Whether a call on {@code other} may name this one in {@code after}: same interpreter, same stream. */
    public boolean sameContext(RemoteContext other) {
        return other.channel() == context.channel() && other.id() == context.id();
    }

    /** Lets go of the call: its reply, whenever it comes, only ends the registration. */
    public void release() {
        reply.whenComplete((r, e) -> context.channel().unregister(req));
    }

    /** The reply (waiting for it only if it has not arrived: a round trip then); throws the call's failure. */
    public Reply settle() throws RemoteException {
        try {
            return context.await(reply, 0, what);
        } finally {
            context.channel().unregister(req);
        }
    }
}
