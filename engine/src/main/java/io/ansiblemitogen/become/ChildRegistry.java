package io.ansiblemitogen.become;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.agent.AgentChannel;
import io.ansiblemitogen.agent.LogSink;
import io.ansiblemitogen.agent.RemoteContext;
import io.ansiblemitogen.agent.RemoteException;
import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.wire.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The become children of one target: one per {@link ChildKey}, started on first use by the parent interpreter
 * (no new connection), reused afterwards, and recycled when the target would hold more interpreters than its
 * limit: the youngest idle child goes first, so the accounts a play became early (root) stay warm.
 * A child is busy from {@link #acquire} until {@link #release}; busy children are never recycled, so the limit
 * can only be exceeded while every child is in use.
 */
public final class ChildRegistry {
    private final String host;
    private final IntSupplier loginInterpreters;
    private final LogSink log;
    private final Consumer<RemoteContext> onRetire;
    private final Map<ChildKey, Entry> entries = new HashMap<>();
    private final Map<ChildKey, Object> spawnLocks = new ConcurrentHashMap<>();
    private volatile int limit = InterpreterLimit.fromEnvironment();
    private volatile int spawnTimeoutSeconds = 30;
    private int starting;
    private long sequence;
    private long retired;

    private static final class Entry {
        final ChildKey key;
        final RemoteContext ctx;
        final long seq;
        int busy;

        Entry(ChildKey key, RemoteContext ctx, long seq) {
            this.key = key;
            this.ctx = ctx;
            this.seq = seq;
        }
    }

    /**
     * @param loginInterpreters how many login interpreters the target holds now (they count against the limit)
     * @param onRetire told about each child that ended, so per-context caches can be dropped
     */
    public ChildRegistry(String host, IntSupplier loginInterpreters, LogSink log, Consumer<RemoteContext> onRetire) {
        this.host = host;
        this.loginInterpreters = loginInterpreters;
        this.log = log;
        this.onRetire = onRetire;
    }

    public void setLimit(int limit) {
        this.limit = Math.max(2, limit);
    }

    public int limit() {
        return limit;
    }

    /** The time a child may take to authenticate and start (a wrong password is noticed sooner). */
    public void setSpawnTimeoutSeconds(int seconds) {
        this.spawnTimeoutSeconds = Math.max(5, seconds);
    }

    public synchronized int size() {
        return (int) entries.values().stream().filter(e -> e.ctx.isAlive()).count();
    }

    /** How many children were shut down to stay within the limit. */
    public synchronized long retiredCount() {
        return retired;
    }

    /**
     * The child running as {@code become} under {@code login} (a login interpreter: the root of its channel, or a
     * container's interpreter started by its host's), started if need be; now busy.
     */
    public RemoteContext acquire(RemoteContext login, String python, BecomeSpec become) throws RemoteException {
        BecomeCommand cmd = BecomeCommand.of(become, python);
        ChildKey key = ChildKey.of(login.id(), python, become, cmd.method());
        Entry e = lease(key, login);
        if (e != null) {
            return e.ctx;
        }
        synchronized (spawnLocks.computeIfAbsent(key, k -> new Object())) {
            e = lease(key, login);
            if (e != null) {
                return e.ctx;
            }
            List<Entry> victims = reserve();
            try {
                victims.forEach(this::retire);
                RemoteContext ctx = spawn(login, cmd, become.password());
                synchronized (this) {
                    Entry fresh = new Entry(key, ctx, ++sequence);
                    fresh.busy = 1;
                    entries.put(key, fresh);
                }
                return ctx;
            } finally {
                synchronized (this) {
                    starting--;
                }
            }
        }
    }

    /** Marks a context from {@link #acquire} idle again; contexts this registry does not hold are ignored. */
    public synchronized void release(RemoteContext ctx) {
        for (Entry e : entries.values()) {
            if (e.ctx.id() == ctx.id() && e.ctx.channel() == ctx.channel()) {
                e.busy = Math.max(0, e.busy - 1);
                return;
            }
        }
    }

    /**
     * Drops a child that died on its own (killed, crashed) while its connection lives on: the next request for
     * its user starts a new one. True if {@code ctx} was one of this registry's children.
     */
    public boolean forget(RemoteContext ctx) {
        Entry gone = null;
        synchronized (this) {
            for (Entry e : entries.values()) {
                if (e.ctx.id() == ctx.id() && e.ctx.channel() == ctx.channel()) {
                    gone = e;
                    break;
                }
            }
            if (gone != null) {
                entries.remove(gone.key);
            }
        }
        if (gone != null) {
            onRetire.accept(gone.ctx);
        }
        return gone != null;
    }

    public synchronized void clear() {
        entries.clear();
    }

    private synchronized Entry lease(ChildKey key, RemoteContext login) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.ctx.channel() == login.channel() && e.ctx.isAlive()) {
            e.busy++;
            return e;
        }
        entries.remove(key); // It ended, or its login interpreter was replaced and it died with it.
        onRetire.accept(e.ctx);
        return null;
    }

    /** Picks the children to shut down so one more fits, and counts the one about to start. */
    private synchronized List<Entry> reserve() {
        entries.values().removeIf(e -> {
            boolean dead = !e.ctx.isAlive();
            if (dead) {
                onRetire.accept(e.ctx);
            }
            return dead;
        });
        List<Entry> victims = new ArrayList<>();
        while (loginInterpreters.getAsInt() + entries.size() + starting >= limit) {
            Entry v = youngestIdle();
            if (v == null) {
                log.log(0, "WARNING", "become", host + ": " + (entries.size() + starting)
                        + " become interpreters are all busy; starting one more than the limit of " + limit);
                break;
            }
            entries.remove(v.key);
            victims.add(v);
        }
        starting++;
        return victims;
    }

    private Entry youngestIdle() {
        Entry best = null;
        for (Entry e : entries.values()) {
            if (e.busy > 0 || hasDependents(e)) {
                continue;
            }
            if (best == null || e.seq > best.seq) {
                best = e;
            }
        }
        return best;
    }

    private boolean hasDependents(Entry parent) {
        return entries.values().stream().anyMatch(e -> e.key.parentContext() == parent.ctx.id()
                && e.ctx.channel() == parent.ctx.channel());
    }

    private void retire(Entry v) {
        try {
            v.ctx.call(Json.object().put("op", "shutdown"), null, 5_000);
        } catch (RemoteException ignored) {
            // Already gone, or stuck: its parent ends it when the connection closes.
        }
        synchronized (this) {
            retired++;
        }
        onRetire.accept(v.ctx);
        log.log(0, "INFO", "become", host + ": shut down idle " + v.key.method() + ":" + v.key.user()
                + " (context " + v.ctx.id() + ") to stay within " + limit + " interpreters");
    }

    private RemoteContext spawn(RemoteContext parent, BecomeCommand cmd, String password) throws RemoteException {
        AgentChannel ch = parent.channel();
        int id = ch.allocateContextId();
        CompletableFuture<ObjectNode> hello = ch.expectHello(id);
        int timeout = spawnTimeoutSeconds;
        try {
            parent.call(cmd.spawnHeader(id, password, timeout), null, (timeout + 15) * 1000L);
        } catch (RemoteException e) {
            ch.forgetHello(id);
            throw translate(e, cmd);
        }
        ch.awaitHello(id, hello, 10_000);
        ch.contexts().started(id, parent.id());
        return ch.context(id);
    }

    private RemoteException translate(RemoteException e, BecomeCommand cmd) {
        RemoteException t = translated(e, cmd);
        return t instanceof BecomeException b ? b.naming(host) : t;
    }

    private RemoteException translated(RemoteException e, BecomeCommand cmd) {
        String who = cmd.method() + ": ";
        String target = "become user '" + cmd.user() + "' on " + host;
        String detail = e.getMessage() == null ? "" : e.getMessage().strip();
        return switch (e.type()) {
            case "become_wrong_password" -> new BecomeException(who + "incorrect password for " + target,
                    BecomeException.Reason.WRONG_PASSWORD);
            case "become_password_required" -> new BecomeException(who + "a password is required for " + target
                    + ", but none was given (set ansible_become_password)", BecomeException.Reason.PASSWORD_REQUIRED);
            case "become_timeout" -> new BecomeException(who + "no answer within " + spawnTimeoutSeconds
                    + " s while starting " + target + ": " + detail, BecomeException.Reason.TIMEOUT);
            case "become_failed" -> new BecomeException(who + "could not start " + target + ": " + detail,
                    BecomeException.Reason.EXITED,
                    e.header().path("exit_status").isInt() ? e.header().get("exit_status").asInt() : null,
                    e.header().path("said").isTextual() ? e.header().get("said").asText() : null);
            case "bad_request" -> new BecomeException(who + detail, true);
            default -> e;
        };
    }
}
