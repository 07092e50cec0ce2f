package io.ansiblemitogen.pool;

import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.transport.TransportException;

/**
 * A {@code via} hop could not be reached: the message and {@link #hop()} name the hop by its inventory name, so a
 * user sees which machine of the chain is down rather than only the target behind it.
 */
public final class HopFailure extends TransportException {
    private final String hop;
    private final boolean configurationError;

    private HopFailure(String hop, String message, TransportException cause) {
        super(message, cause);
        this.hop = hop;
        this.configurationError = cause.isConfigurationError();
    }

    /** The failure of {@code hop}; a failure already attributed to a hop further up the chain is kept as is. */
    static TransportException of(TargetSpec hop, TransportException e) {
        if (e instanceof HopFailure) {
            return e;
        }
        return new HopFailure(hop.displayName(), "hop '" + hop.displayName() + "' (" + hop + "): " + e.getMessage(),
                e);
    }

    /** Inventory name (or address) of the hop that failed. */
    public String hop() {
        return hop;
    }

    @Override
    public boolean isConfigurationError() {
        return configurationError;
    }
}
