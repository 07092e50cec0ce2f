package io.ansiblemitogen.pool;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.nio.file.Path;
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
    private final Map<String, Login> logins = new ConcurrentHashMap<>();
    private final ChildRegistry children;
    /** Set for a container behind an SSH or local host: its interpreters are children of the host's. */
    private final ContainerChild spawner;
    private volatile String moduleInterpreter;
    private volatile long lastUsed = System.currentTimeMillis();
    private volatile Path debugDir;

    public TargetConnection(TargetIdentity identity, TargetSpec spec, Transport transport) {
        this(identity, spec, transport, null);
    }

    TargetConnection(TargetIdentity identity, TargetSpec spec, Transport transport, ContainerChild spawner) {
        this.identity = identity;
        this.spec = spec;
        this.transport = transport;
        this.spawner = spawner;
        this.logs = new LogBuffer(spec.displayName());
        this.children = new ChildRegistry(spec.displayName(), this::loginCount, logs,
                ctx -> ctx.channel().contexts().ended(ctx.id()));
        this.children.setSpawnTimeoutSeconds(Math.max(30, spec.timeout() == null ? 10 : spec.timeout()));
    }

    /**
     * MITOGEN_ROUTER_DEBUG: interpreters started from now on log every frame, here in {@code dir} (one file per
     * context) and on the target (one file per process). Interpreters already running are left as they are.
     */
    public void enableDebug(Path dir) {
        this.debugDir = dir;
    }

    public boolean debugEnabled() {
        return debugDir != null;
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

    /** The Python paths of the login interpreters running now. */
    public java.util.List<String> loginInterpreters() {
        return logins.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).sorted()
                .toList();
    }

    private int loginCount() {
        return (int) logins.values().stream().filter(Login::isAlive).count();
    }

    /**
     * Bytes received from this target's interpreters. For a container whose interpreter the host started, the
     * frames of its contexts on the host's channel (which the host's own figure includes too).
     */
    public long bytesIn() {
        return logins.values().stream().mapToLong(Login::bytesIn).sum();
    }

    public long bytesOut() {
        return logins.values().stream().mapToLong(Login::bytesOut).sum();
    }

    /** Whether this target's interpreters are children of the interpreter of the host it runs on. */
    public boolean startedByHost() {
        return spawner != null;
    }

    /**
     * Whether the target still answers, for a connection that sat idle: a peer that vanished without closing
     * the TCP connection (a NAT that forgot it, a host that froze or lost power) still looks connected. A ping
     * to a running interpreter proves the whole path; with no interpreter yet, the transport's word is all there
     * is. A success counts as use, so requests right behind this one do not probe again.
     */
    public boolean answers(long timeoutMillis) {
        if (!isAlive()) {
            return false;
        }
        Login login = logins.values().stream().filter(Login::isAlive).findFirst().orElse(null);
        if (login == null) {
            return true;
        }
        try {
            var reply = login.context().call(io.ansiblemitogen.wire.Json.object().put("op", "ping"), null,
                    timeoutMillis);
            // The agent's own check (core.py _LoginSession): the sshd that accepted this login was restarted, so a
            // new login would get another session (mount namespace, environment) than this interpreter lives in.
            String stale = reply.header().path("stale").asText("");
            if (!stale.isEmpty()) {
                logs.log(login.context().id(), "INFO", "engine", "not reusing this connection: " + stale);
                return false;
            }
            lastUsed = System.currentTimeMillis();
            return true;
        } catch (RemoteException e) {
            return false;
        }
    }

    /** Replies the engine waited for from this target's interpreters: round trips on the wire. */
    public long roundTrips() {
        return logins.values().stream().mapToLong(Login::roundTrips).sum();
    }

    /** Remembers the Python that modules run with, so that file transfers (which name none) go to it too. */
    public void noteModuleInterpreter(RemoteContext ctx, String interpreter) {
        if (loginHello(ctx) != null && interpreter != null && !interpreter.isBlank()) {
            moduleInterpreter = interpreter;
        }
    }

    /** The hello of {@code ctx} if it is one of this target's login interpreters (not a become child), else null. */
    public ObjectNode loginHello(RemoteContext ctx) {
        for (Login l : logins.values()) {
            if (l.context().id() == ctx.id() && l.context().channel() == ctx.channel()) {
                return l.hello();
            }
        }
        return null;
    }

    public void touch() {
        requests.incrementAndGet();
        lastUsed = System.currentTimeMillis();
    }

    /**
     * The context that runs as {@code become} (or as the login user when null) with {@code interpreter}, held
     * for this request alone until {@link #release}. Starting a login interpreter costs one exec channel and the
     * core upload; it happens once per path. A become context is a child the login interpreter starts (sudo/su +
     * the same core, piped by the target itself).
     *
     * <p>Requests on one context run side by side (parallel stages on one daemon, {@code delegate_to} over many
     * hosts): the agent runs one module in process and forks for the others, and a forked child first drops the
     * locks other threads held at fork time (imports, ZIP reads; see core.py {@code _reinit_after_fork}).
     */
    public RemoteContext context(String interpreter, BecomeSpec become) throws RemoteException, TransportException {
        RemoteContext login = login(interpreter).context();
        return become == null ? login : children.acquire(login, interpreter, become);
    }

    /** Ends a request's use of a context from {@link #context}; called by the thread that got it. */
    public void release(RemoteContext ctx) {
        children.release(ctx);
    }

    private Login login(String interpreter) throws RemoteException, TransportException {
        Login ch = logins.get(interpreter);
        if (ch != null && ch.isAlive()) {
            return ch;
        }
        synchronized (logins) {
            ch = logins.get(interpreter);
            if (ch != null && ch.isAlive()) {
                return ch;
            }
            if (ch != null) {
                ch.close();
            }
            Login fresh = null;
            for (int attempt = 1; fresh == null; attempt++) {
                try {
                    fresh = start(interpreter);
                } catch (RemoteException e) {
                    if (attempt == 3 || looksLikeNoPython(e.remoteStderr(), interpreter) || !transport.isConnected()
                            || String.valueOf(e.getMessage()).contains("did not start within")) {
                        throw e;
                    }
                    // A start that failed on a live connection is worth another try: container runtimes lose exec
                    // sessions right after a restart (podman 4.3: "exec died event ... not found"), SSH channels
                    // can be refused for a moment by MaxSessions.
                    logs.log(0, "WARNING", "engine", "starting " + interpreter + " failed, trying again: "
                            + e.getMessage());
                    try {
                        Thread.sleep(500L * attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
            logins.put(interpreter, fresh);
            return fresh;
        }
    }

    private Login start(String interpreter) throws RemoteException, TransportException {
        if (spawner != null) {
            Login child = spawner.start(interpreter, Math.max(30, spec.timeout() == null ? 10 : spec.timeout()));
            if (child != null) {
                return child;
            }
            // The host has no Python to start it with: run the runtime through the host's connection instead.
        }
        RemoteProcess p = transport.exec(AgentBootstrap.command(interpreter));
        AgentChannel fresh = new AgentChannel(spec.displayName() + " " + interpreter, p.stdout(), p.stdin(),
                p::stderrTail, logs);
        fresh.compressLink(transport.linkCompressionLevel());
        Path dir = debugDir;
        if (dir != null) {
            try {
                fresh.debug(new DebugFiles(dir, spec.displayName()));
            } catch (java.io.IOException e) {
                logs.log(0, "WARNING", "engine", "router debug files not available in " + dir + ": " + e);
            }
        }
        ObjectNode hello;
        try {
            hello = fresh.start(startTimeoutMillis());
        } catch (RemoteException e) {
            // The shell's own words ("python3: not found") may still be on their way when stdout ends: wait
            // briefly for the process, so the error (and the no-Python fallback) can rely on them.
            try {
                p.waitFor(2_000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            String said = new String(p.stderrBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.close();
            throw said.isBlank() ? e : e.withRemoteStderr(said);
        }
        return new Login(fresh.root(), true, hello);
    }

    /** The shell's words for a missing interpreter: its name, then "not found" or "No such file". */
    public static boolean looksLikeNoPython(String stderr, String interpreter) {
        String m = stderr == null ? "" : stderr.toLowerCase(java.util.Locale.ROOT);
        String name = interpreter == null ? "python" : interpreter.trim();
        name = name.substring(name.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
        int space = name.indexOf(' ');
        if (space > 0) {
            name = name.substring(0, space); // "env python3" style interpreters are rare; the first word will do
        }
        return m.contains(name) && (m.contains("not found") || m.contains("no such file"));
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
            Login ch = logins.get(preferred);
            if (ch != null && ch.isAlive()) {
                return preferred;
            }
        }
        for (Map.Entry<String, Login> e : logins.entrySet()) {
            if (e.getValue().isAlive()) {
                return e.getKey();
            }
        }
        return spec.pythonOrDefault();
    }

    /** ZIP digests a context already holds, so a repeated module is sent as its digest alone. */
    public Set<String> zipsOf(RemoteContext ctx) {
        return ctx.channel().contexts().zips(ctx.id());
    }

    @Override
    public void close() {
        logins.values().forEach(Login::close);
        logins.clear();
        children.clear();
        transport.close();
    }
}
