package io.ansiblemitogen.pool;

import io.ansiblemitogen.agent.AgentChannel;
import io.ansiblemitogen.agent.RemoteContext;
import io.ansiblemitogen.agent.RemoteException;
import io.ansiblemitogen.agent.AgentBootstrap;
import io.ansiblemitogen.become.ChildRegistry;
import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection to one target identity, and the interpreters started through it: one login interpreter per
 * Python path (Ansible may use several), become users and containers as children of those.
 */
public final class TargetConnection implements AutoCloseable {
    private final TargetIdentity identity;
    private final TargetSpec spec;
    private final Transport transport;
    private final LogBuffer logs;
    private final long createdAt = System.currentTimeMillis();
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, AgentChannel> logins = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> zipsByContext = new ConcurrentHashMap<>();
    private final ChildRegistry children;
    private volatile String moduleInterpreter;
    private volatile long lastUsed = System.currentTimeMillis();

    public TargetConnection(TargetIdentity identity, TargetSpec spec, Transport transport) {
        this.identity = identity;
        this.spec = spec;
        this.transport = transport;
        this.logs = new LogBuffer(spec.displayName());
        this.children = new ChildRegistry(spec.displayName(), this::loginCount, logs,
                ctx -> zipsByContext.remove(key(ctx)));
        this.children.setSpawnTimeoutSeconds(Math.max(30, spec.timeout() == null ? 10 : spec.timeout()));
    }

    /** The become children of this target (their limit: {@code MITOGEN_MAX_INTERPRETERS}). */
    public ChildRegistry children() {
        return children;
    }

    public TargetIdentity identity() {
        return identity;
    }

    public TargetSpec spec() {
        return spec;
    }

    public Transport transport() {
        return transport;
    }

    public LogBuffer logs() {
        return logs;
    }

    public boolean isAlive() {
        return transport.isConnected();
    }

    public long createdAt() {
        return createdAt;
    }

    public long lastUsed() {
        return lastUsed;
    }

    public long requests() {
        return requests.get();
    }

    public int interpreterCount() {
        return loginCount() + children.size();
    }

    private int loginCount() {
        return (int) logins.values().stream().filter(AgentChannel::isAlive).count();
    }

    public long bytesIn() {
        return logins.values().stream().mapToLong(AgentChannel::bytesIn).sum();
    }

    public long bytesOut() {
        return logins.values().stream().mapToLong(AgentChannel::bytesOut).sum();
    }

    /** Replies the engine waited for from this target's interpreters: round trips on the wire. */
    public long roundTrips() {
        return logins.values().stream().mapToLong(AgentChannel::roundTrips).sum();
    }

    /** Remembers the Python that modules run with, so that file transfers (which name none) go to it too. */
    public void noteModuleInterpreter(RemoteContext ctx, String interpreter) {
        if (ctx.id() == AgentChannel.ROOT && interpreter != null && !interpreter.isBlank()) {
            moduleInterpreter = interpreter;
        }
    }

    public void touch() {
        requests.incrementAndGet();
        lastUsed = System.currentTimeMillis();
    }

    /**
     * The context that runs as {@code become} (or as the login user when null) with {@code interpreter}.
     * Starting a login interpreter costs one exec channel and the core upload; it happens once per path. A become
     * context is a child the login interpreter starts (sudo/su + the same core, piped by the target itself); it
     * stays busy until {@link #release}.
     */
    public RemoteContext context(String interpreter, BecomeSpec become) throws RemoteException, TransportException {
        AgentChannel login = login(interpreter);
        if (become == null) {
            return login.root();
        }
        return children.acquire(login, interpreter, become);
    }

    /** Ends a request's use of a context from {@link #context}. */
    public void release(RemoteContext ctx) {
        children.release(ctx);
    }

    private AgentChannel login(String interpreter) throws RemoteException, TransportException {
        AgentChannel ch = logins.get(interpreter);
        if (ch != null && ch.isAlive()) {
            return ch;
        }
        synchronized (logins) {
            ch = logins.get(interpreter);
            if (ch != null && ch.isAlive()) {
                return ch;
            }
            if (ch != null) {
                forgetZips(ch);
            }
            RemoteProcess p = transport.exec(AgentBootstrap.command(interpreter));
            AgentChannel fresh = new AgentChannel(spec.displayName() + " " + interpreter, p.stdout(), p.stdin(),
                    p::stderrTail, logs);
            try {
                fresh.start(startTimeoutMillis());
            } catch (RemoteException e) {
                p.close();
                throw e;
            }
            logins.put(interpreter, fresh);
            return fresh;
        }
    }

    private long startTimeoutMillis() {
        int t = spec.timeout() == null ? 10 : spec.timeout();
        return Math.max(60_000L, t * 1000L); // generous: 300 hosts starting at once on a loaded controller
    }

    /**
     * The interpreter for a request that names none (raw commands, temp-dir commands, file transfer): one already
     * running on this connection if there is one, so such requests cost no new interpreter, else {@code python3}.
     */
    public String interpreterFor(String requested) {
        if (requested != null && !requested.isBlank()) {
            return requested;
        }
        String preferred = moduleInterpreter;
        if (preferred != null) {
            AgentChannel ch = logins.get(preferred);
            if (ch != null && ch.isAlive()) {
                return preferred;
            }
        }
        for (Map.Entry<String, AgentChannel> e : logins.entrySet()) {
            if (e.getValue().isAlive()) {
                return e.getKey();
            }
        }
        return spec.pythonOrDefault();
    }

    /** ZIP digests a context already holds, so a repeated module is sent as its digest alone. */
    public Set<String> zipsOf(RemoteContext ctx) {
        return zipsByContext.computeIfAbsent(key(ctx), k -> ConcurrentHashMap.newKeySet());
    }

    private void forgetZips(AgentChannel ch) {
        zipsByContext.keySet().removeIf(k -> k.startsWith(System.identityHashCode(ch) + "/"));
    }

    private static String key(RemoteContext ctx) {
        return System.identityHashCode(ctx.channel()) + "/" + ctx.id();
    }

    @Override
    public void close() {
        logins.values().forEach(AgentChannel::close);
        logins.clear();
        children.clear();
        zipsByContext.clear();
        transport.close();
    }
}
