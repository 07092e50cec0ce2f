package io.ansiblemitogen.pool;

import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.engine.TransportFactory;
import io.ansiblemitogen.transport.ContainerTransport;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections by target identity. A connection found dead when it is next needed is replaced transparently:
 * one whose transport says so at once, one that sat idle for {@link #PROBE_AFTER_MS} after a ping that got no
 * answer in time or whose agent says its login is stale (sshd restarted), one idle for {@link #MAX_IDLE_MS}. Concurrent first uses of one identity open a single connection.
 */
public final class ConnectionPool implements AutoCloseable {
    /** Idle time after which a pooled connection is pinged before it is handed out (ms; property to tune). */
    static final long PROBE_AFTER_MS = Long.getLong("ansible.mitogen.probeAfterMs", 10_000L);
    /**
     * How long that ping may take before the connection counts as dead (ms); by default the target's connect
     * timeout ({@code ansible_timeout}, at least 10 s), so a target slow enough to need a longer one keeps it.
     */
    static final Long PROBE_TIMEOUT_MS = Long.getLong("ansible.mitogen.probeTimeoutMs");

    /**
     * Idle time after which a pooled connection is not reused at all but replaced by a fresh login (ms; property to
     * tune): whatever a new login would get that the old one cannot see (group memberships, the login environment,
     * a restarted sshd's session that the probe's check missed) is at most this old. 30 minutes, the daemon's own
     * idle timeout: within a pipeline, stages reuse their interpreters; a build hours later logs in again.
     */
    static final long MAX_IDLE_MS = Long.getLong("ansible.mitogen.maxIdleMs", 30 * 60_000L);

    private final TransportFactory factory;
    private final Map<String, TargetConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, Object> openLocks = new ConcurrentHashMap<>();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong reused = new AtomicLong();

    public ConnectionPool(TransportFactory factory) {
        this.factory = factory;
    }

    public TargetConnection get(TargetSpec spec) throws IOException, TransportException {
        TargetIdentity id = TargetIdentity.of(spec);
        TargetConnection c = connections.get(id.digest());
        if (c != null && c.isAlive() && !idle(c)) {
            reused.incrementAndGet();
            return c;
        }
        synchronized (openLocks.computeIfAbsent(id.digest(), k -> new Object())) {
            c = connections.get(id.digest());
            if (c != null && c.isAlive() && !expired(c) && (!idle(c) || c.answers(probeTimeout(spec)))) {
                reused.incrementAndGet();
                return c;
            }
            if (c != null) {
                c.close();
            }
            TargetConnection hop = null;
            if (!spec.via().isEmpty()) {
                List<TargetSpec> hops = spec.via();
                TargetSpec last = hops.get(hops.size() - 1);
                TargetSpec lastWithItsHops = withVia(last, hops.subList(0, hops.size() - 1));
                try {
                    hop = get(lastWithItsHops);
                } catch (TransportException e) {
                    throw HopFailure.of(last, e);
                }
            }
            Transport t = factory.open(spec, hop == null ? null : hop.transport());
            // A container behind an engine host: the host's interpreter starts the container's (no exec channel
            // of its own) and hands it the module code it holds. The transport stays for raw commands.
            ContainerChild spawner = hop != null && t instanceof ContainerTransport ct && ContainerChild.applies(spec)
                    ? new ContainerChild(hop, spec, ct) : null;
            TargetConnection fresh = new TargetConnection(id, spec, t, spawner);
            connections.put(id.digest(), fresh);
            opened.incrementAndGet();
            return fresh;
        }
    }

    private static long probeTimeout(TargetSpec spec) {
        if (PROBE_TIMEOUT_MS != null) {
            return PROBE_TIMEOUT_MS;
        }
        return Math.max(10, spec.timeout() == null ? 10 : spec.timeout()) * 1000L;
    }

    private static boolean expired(TargetConnection c) {
        return System.currentTimeMillis() - c.lastUsed() >= MAX_IDLE_MS;
    }

    private static boolean idle(TargetConnection c) {
        return System.currentTimeMillis() - c.lastUsed() >= PROBE_AFTER_MS;
    }

    private static TargetSpec withVia(TargetSpec s, List<TargetSpec> via) {
        return new TargetSpec(s.transport(), s.inventoryName(), s.host(), s.port(), s.user(), s.password(),
                s.privateKeyFile(), s.privateKeyPassphrase(), s.sshArgs(), s.sshCommonArgs(), s.sshExtraArgs(),
                s.timeout(), s.hostKeyChecking(), s.python(), via);
    }

    /** Drops a connection (Ansible's reset_connection, or after it was lost mid-request). */
    public void evict(TargetSpec spec) throws IOException {
        TargetConnection c = connections.remove(TargetIdentity.of(spec).digest());
        if (c != null) {
            c.close();
        }
    }

    /** The live connection for {@code spec}, or null: never opens one. */
    public TargetConnection find(TargetSpec spec) throws IOException {
        TargetConnection c = connections.get(TargetIdentity.of(spec).digest());
        return c != null && c.isAlive() ? c : null;
    }

    /** The connection for {@code spec}, alive or not (its last logs are still worth showing), or null. */
    public TargetConnection lookup(TargetSpec spec) throws IOException {
        return connections.get(TargetIdentity.of(spec).digest());
    }

    public List<TargetConnection> snapshot() {
        return new ArrayList<>(connections.values());
    }

    public long openedCount() {
        return opened.get();
    }

    public long reusedCount() {
        return reused.get();
    }

    @Override
    public void close() {
        connections.values().forEach(TargetConnection::close);
        connections.clear();
    }
}
