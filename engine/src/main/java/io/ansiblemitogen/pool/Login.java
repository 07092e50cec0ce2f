package io.ansiblemitogen.pool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.agent.RemoteContext;
import io.ansiblemitogen.agent.RemoteException;
import io.ansiblemitogen.wire.Json;

/**
 * A login interpreter of a target: the root of a channel of its own (an SSH exec channel, a local process, a
 * container started from this machine), or a child context that the interpreter of the host a container runs on
 * started for it ({@link ContainerChild}), whose frames travel on that host's channel.
 *
 * @param hello what the interpreter said when it started (home, user: {@code HomeAnswer} reads it)
 */
record Login(RemoteContext context, boolean ownChannel, ObjectNode hello) {

    boolean isAlive() {
        return context.isAlive();
    }

    long bytesIn() {
        return ownChannel ? context.channel().bytesIn() : context.channel().contexts().bytesInUnder(context.id());
    }

    long bytesOut() {
        return ownChannel ? context.channel().bytesOut() : context.channel().contexts().bytesOutUnder(context.id());
    }

    long roundTrips() {
        return ownChannel ? context.channel().roundTrips()
                : context.channel().contexts().roundTripsUnder(context.id());
    }

    /** Ends the interpreter: its channel, or (for a child) a shutdown its parent routes to it; nobody waits. */
    void close() {
        if (ownChannel) {
            context.channel().close();
            return;
        }
        if (context.isAlive()) {
            try {
                context.callDetached(Json.object().put("op", "shutdown"), null, (r, e) -> { });
            } catch (RemoteException ignored) {
                // The host's channel is gone, and the child with it.
            }
        }
    }
}
