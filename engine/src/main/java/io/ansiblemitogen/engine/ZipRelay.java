package io.ansiblemitogen.engine;

import io.ansiblemitogen.agent.ContextTree;
import io.ansiblemitogen.agent.RemoteContext;
import io.ansiblemitogen.agent.RemoteException;
import io.ansiblemitogen.wire.Json;

import java.util.function.Supplier;

/**
 * Module code for a child context (a become user, a container behind a host) comes from its parent agent, not
 * from the controller: the engine posts {@code give_zip} to the nearest ancestor that holds the ZIP (a digest and
 * a child id, about 120 bytes) or, when none does, to the parent with the ZIP as body, which keeps it for its
 * other children. The ancestor acts on it in its reader loop, so the ZIP reaches the child before the
 * {@code run_module} that follows on the same stream.
 */
final class ZipRelay {
    private ZipRelay() {
    }

    /**
     * Arranges for {@code ctx} to hold {@code digest} before the next call reaches it.
     *
     * @return the context that hands it over, or 0 if {@code ctx} has no parent here (send the ZIP to it directly)
     */
    static int handOver(RemoteContext ctx, String digest, Supplier<byte[]> zip) throws RemoteException {
        ContextTree tree = ctx.channel().contexts();
        ContextTree.ZipSource source = tree.zipSourceFor(ctx.id(), digest);
        if (source == null) {
            return 0;
        }
        ctx.channel().post(source.context(), Json.object().put("op", "give_zip").put("zip_digest", digest)
                .put("to", ctx.id()), source.holds() ? null : zip.get());
        // Only now: a concurrent request that sees the ancestor holding it writes its frame after this one.
        tree.zips(source.context()).add(digest);
        return source.context();
    }
}
