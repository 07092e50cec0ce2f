package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One {@code pool_status} reply: the pooled targets, and the engine's running count of connections it opened
 * ({@code connections_opened}), or -1 when the engine does not report it.
 */
public record PoolSnapshot(List<TargetStats> targets, long connectionsOpened) implements Serializable {
    public static final PoolSnapshot EMPTY = new PoolSnapshot(List.of(), -1);

    public PoolSnapshot {
        targets = new ArrayList<>(targets); // plain ArrayList: crosses remoting (JEP-200)
    }

    @Override
    public List<TargetStats> targets() {
        return Collections.unmodifiableList(targets);
    }
}
