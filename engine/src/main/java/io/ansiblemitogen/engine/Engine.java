package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.agent.PendingCall;
import io.ansiblemitogen.agent.RemoteContext;
import io.ansiblemitogen.agent.RemoteException;
import io.ansiblemitogen.agent.Reply;
import io.ansiblemitogen.become.BecomeException;
import io.ansiblemitogen.pool.ConnectionPool;
import io.ansiblemitogen.pool.HopFailure;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.ShellWords;
import io.ansiblemitogen.transport.TransportException;
import io.ansiblemitogen.transport.ssh.TtyCloseNotice;
import io.ansiblemitogen.wire.Switch;
import io.ansiblemitogen.wire.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * What the engine does for Ansible: run a module, a command, move a file, on a target reached through the pool.
 * Every failure becomes an {@link EngineException} naming the host and the cause; nothing here is fatal to the
 * engine or to other hosts.
 */
public final class Engine implements AutoCloseable {
    private final ConnectionPool pool;
    private final TransportFactory factory;
    private final ModuleZips zips = new ModuleZips();
    /** MITOGEN_ROUTER_DEBUG set for the engine process: every connection logs its frames. */
    private final boolean routerDebugAlways = Switch.on(System.getenv("MITOGEN_ROUTER_DEBUG"));
    private volatile Path debugDir = Path.of(System.getProperty("java.io.tmpdir"),
            "ansible-mitogen-debug-" + System.getProperty("user.name"));
    private final DetachedCalls detached = new DetachedCalls();

    /** The engine owns {@code factory} and closes it (if it is AutoCloseable) when closed. */
    public Engine(TransportFactory factory) {
        this.factory = factory;
        this.pool = new ConnectionPool(factory);
    }

    /** See {@link TransportFactory#warmUp()}. */
    public void warmUpTransports() {
        factory.warmUp();
    }

    public ConnectionPool pool() {
        return pool;
    }

    /** Where controller-side router debug files go (the daemon puts them beside its socket). */
    public void setDebugDir(Path dir) {
        this.debugDir = dir;
    }

    public Path debugDir() {
        return debugDir;
    }

    /**
     * A request asked for router debugging (the plugin saw MITOGEN_ROUTER_DEBUG): the target's connection starts
     * its next interpreters with debug logs on both sides.
     */
    public void routerDebug(TargetSpec target) throws EngineException {
        connect(target).enableDebug(debugDir);
    }

    public ExecResult execModule(TargetSpec target, BecomeSpec become, ModuleRequest m) throws EngineException {
        return execModule(target, become, m, List.of(), List.of());
    }

    /**
     * @param pre   shell commands Ansible issued earlier whose results were predicted: run first, in order
     * @param after tokens of files this client sent with {@code detach}: the module runs once they are in place
     */
    public ExecResult execModule(TargetSpec target, BecomeSpec become, ModuleRequest m, List<String> pre,
            List<Long> after) throws EngineException {
        try {
            return runModule(target, become, m, pre, after);
        } catch (NoPythonException e) {
            // What stock Ansible shows for a missing interpreter: the shell's own words and status 127.
            return new ExecResult(127, new byte[0], e.remoteStderr.getBytes(StandardCharsets.UTF_8));
        } catch (BecomeExited e) {
            return e.asResult(false, "");
        }
    }

    private ExecResult runModule(TargetSpec target, BecomeSpec become, ModuleRequest m, List<String> pre,
            List<Long> after) throws EngineException {
        ModuleZips.Held held = zips.held(m.zipSha1());
        if (held == null) {
            if (m.zipBase64() == null) {
                // The plugin sent the digest alone, betting that this engine holds the ZIP; it resends with it.
                throw new EngineException(EngineException.Kind.NEED_ZIP, target.displayName(), null,
                        "the engine does not hold the module ZIP of " + m.fqn() + " (" + m.zipSha1() + ")");
            }
            try {
                byte[] decoded = Base64.getDecoder().decode(m.zipBase64());
                held = new ModuleZips.Held(zips.remember(m.zipSha1(), decoded), decoded);
            } catch (IllegalArgumentException | IOException e) {
                throw new EngineException(EngineException.Kind.BAD_REQUEST, target.displayName(), null,
                        "the module ZIP of " + m.fqn() + " is unreadable: " + e.getMessage(), e);
            }
        }
        String key = held.digest();
        byte[] zip = held.zip();
        return withContext(target, become, m.interpreter(), pre, after, (conn, ctx, extras) -> {
            conn.noteModuleInterpreter(ctx, m.interpreter());
            Set<String> known = conn.zipsOf(ctx);
            boolean send = !known.contains(key);
            int relay = send ? ZipRelay.handOver(ctx, key, () -> zip) : 0;
            send &= relay == 0;
            ObjectNode h = Json.object().put("op", "run_module").put("fqn", m.fqn()).put("zip_digest", key)
                    .put("params", m.params()).put("isolation", m.isolation()).put("runner", m.runner());
            if (m.profile() != null) {
                h.put("profile", m.profile());
            }
            if (m.extensions() != null && !m.extensions().isNull()) {
                h.set("extensions", m.extensions());
            }
            if (m.secrets() != null) {
                h.set("secrets", m.secrets());
            }
            ObjectNode env = h.putObject("env");
            m.env().forEach(env::put);
            if (m.cwd() != null) {
                h.put("cwd", m.cwd());
            }
            extras.decorate(h);
            Reply r;
            try {
                r = ctx.call(h.put("has_zip", send), send ? zip : null, 0);
            } catch (RemoteException e) {
                if (!"need_zip".equals(e.type())) {
                    throw e;
                }
                // The context lost the ZIP (an interpreter restarted under the same id), or the context that was to
                // hand it over did not have it: send it again. The deferred commands and awaited calls were done
                // before the agent asked for it.
                if (relay != 0) {
                    ctx.channel().contexts().zips(relay).remove(key);
                }
                h.remove("pre");
                h.remove("after");
                r = ctx.call(h.put("has_zip", true), zip, 0);
            }
            known.add(key);
            return toResult(r);
        });
    }

    public ExecResult execCommand(TargetSpec target, BecomeSpec become, String cmd, byte[] stdin, String chdir)
            throws EngineException {
        return execCommand(target, become, cmd, stdin, chdir, false);
    }

    /** @param pty run on a terminal, as stock ssh does with {@code -tt} (merged output, CR LF newlines) */
    public ExecResult execCommand(TargetSpec target, BecomeSpec become, String cmd, byte[] stdin, String chdir,
            boolean pty) throws EngineException {
        return execCommand(target, become, cmd, stdin, chdir, pty, List.of(), List.of(), false);
    }

    /**
     * @param pre    shell commands run first, in order (see {@link #execModule(TargetSpec, BecomeSpec,
     *               ModuleRequest, List, List)}), after the files named by {@code after} are in place
     * @param detach send the command and do not wait for it: the result is reported as status 0 at once, a
     *               failure only in the logs (for removing a task's temp dir, whose result Ansible only warns on)
     */
    public ExecResult execCommand(TargetSpec target, BecomeSpec become, String cmd, byte[] stdin, String chdir,
            boolean pty, List<String> pre, List<Long> after, boolean detach) throws EngineException {
        return execCommand(target, become, cmd, stdin, chdir, pty, pre, after, detach, CommandShell.DEFAULT);
    }

    /** @param shell the program that runs {@code cmd} on the target, as stock's connection would have chosen it */
    public ExecResult execCommand(TargetSpec target, BecomeSpec become, String cmd, byte[] stdin, String chdir,
            boolean pty, List<String> pre, List<Long> after, boolean detach, CommandShell shell)
            throws EngineException {
        try {
            return withContext(target, become, target.python(), pre, after, (conn, ctx, extras) -> {
                ObjectNode hello = conn.loginHello(ctx);
                if (become == null && stdin == null && !pty && pre.isEmpty() && after.isEmpty() && hello != null) {
                    String home = HomeAnswer.answer(cmd, hello);
                    if (home != null) {
                        return new ExecResult(0, home.getBytes(StandardCharsets.UTF_8), new byte[0]);
                    }
                }
                ObjectNode h = Json.object().put("op", "exec").put("cmd", cmd).put("has_stdin", stdin != null);
                shell.decorate(h);
                extras.decorate(h);
                if (detach && !pty) {
                    if (chdir != null) {
                        h.put("cwd", chdir);
                    }
                    ctx.callDetached(h, stdin, (r, e) -> {
                        int rc = e == null ? r.header().path("rc").asInt(1) : -1;
                        if (rc != 0) {
                            conn.logs().log(ctx.id(), "WARNING", "engine", "detached command '" + cmd
                                    + "' failed: " + (e != null ? e.getMessage() : "rc " + rc));
                        }
                    });
                    return new ExecResult(0, new byte[0], new byte[0]);
                }
                if (pty) {
                    h.put("pty", true);
                }
                if (pty && "ssh".equals(target.transport())) {
                    ExecResult r = toResult(ctx.call(h, stdin, 0));
                    byte[] notice = TtyCloseNotice.forTarget(target).getBytes(StandardCharsets.UTF_8);
                    byte[] err = Arrays.copyOf(r.stderr(), r.stderr().length + notice.length);
                    System.arraycopy(notice, 0, err, r.stderr().length, notice.length);
                    return new ExecResult(r.rc(), r.stdout(), err);
                }
                if (chdir != null) {
                    h.put("cwd", chdir);
                }
                return toResult(ctx.call(h, stdin, 0));
            });
        } catch (BecomeExited e) {
            boolean tty = pty && "ssh".equals(target.transport());
            return e.asResult(tty, tty ? TtyCloseNotice.forTarget(target) : "");
        } catch (NoPythonException e) {
            if (become != null) {
                throw new EngineException(EngineException.Kind.FAILED, target.displayName(), null,
                        "become needs Python on " + target.displayName() + ": " + e.getMessage());
            }
            if (!pre.isEmpty()) {
                throw new EngineException(EngineException.Kind.FAILED, target.displayName(), null,
                        "deferred commands need Python on " + target.displayName() + ": " + e.getMessage());
            }
            // Through the transport the login shell runs the text: hand it to the named shell as stock did.
            return rawExec(target, shell.path() != null ? ShellWords.quote(shell.path()) + " -c " + ShellWords.quote(cmd)
                    : cmd, stdin);
        }
    }

    /** Runs a command straight through the transport: for targets that have no Python ({@code raw}). */
    private ExecResult rawExec(TargetSpec target, String cmd, byte[] stdin) throws EngineException {
        TargetConnection conn = connect(target);
        try (RemoteProcess p = conn.transport().exec(cmd)) {
            try (OutputStream in = p.stdin()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            byte[] out;
            try (InputStream o = p.stdout()) {
                out = o.readAllBytes();
            }
            int rc = p.waitFor(60_000);
            return new ExecResult(rc, out, p.stderrBytes());
        } catch (TransportException | IOException e) {
            throw unreachable(target, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.FAILED, target.displayName(), null, "interrupted");
        }
    }

    public void putFile(TargetSpec target, BecomeSpec become, Path src, String dst, String mode)
            throws EngineException {
        putFile(target, become, src, dst, mode, List.of(), List.of(), false);
    }

    /**
     * @param detach stream the file and return without waiting for the target's reply
     * @return with {@code detach}, a token for the caller's next request's {@code after} (that call runs only once
     *         the file is in place and fails if it could not be written) or for {@link #sync}; else 0
     */
    public long putFile(TargetSpec target, BecomeSpec become, Path src, String dst, String mode, List<String> pre,
            List<Long> after, boolean detach) throws EngineException {
        return putFile(target, become, src, dst, mode, pre, after, detach, List.of());
    }

    /**
     * @param digests hashlib names the target computes while it writes the file and keeps for the module that
     *        checksums it next (docs/protocol.md put_file); empty for none
     */
    public long putFile(TargetSpec target, BecomeSpec become, Path src, String dst, String mode, List<String> pre,
            List<Long> after, boolean detach, List<String> digests) throws EngineException {
        return putFile(target, become, src, dst, mode, pre, after, detach, digests, null);
    }

    /**
     * @param createMode the mode (octal) stock's transfer creates the file with, which the target's umask then
     *        narrows, as open(2) would (sftp: the local file's permission bits); null for 0666. Ignored with
     *        {@code mode}, which is exact.
     */
    public long putFile(TargetSpec target, BecomeSpec become, Path src, String dst, String mode, List<String> pre,
            List<Long> after, boolean detach, List<String> digests, String createMode) throws EngineException {
        return withContext(target, become, target.python(), pre, after, (conn, ctx, extras) -> {
            long size = Files.size(src);
            ObjectNode h = Json.object().put("op", "put_file").put("path", dst).put("size", size);
            if (mode != null) {
                h.put("mode", mode);
            } else if (createMode != null) {
                h.put("create_mode", createMode);
            }
            if (!digests.isEmpty()) {
                digests.forEach(h.putArray("digests")::add);
            }
            extras.decorate(h);
            try (InputStream in = Files.newInputStream(src)) {
                if (detach) {
                    return detached.add(ctx.putFileDetached(h, in));
                }
                ctx.putFile(h, in);
            }
            return 0L;
        });
    }

    /** Waits for the target's replies to files sent without waiting ({@code detach}); fails if one failed. */
    public void sync(TargetSpec target, List<Long> tokens) throws EngineException {
        for (long token : tokens) {
            PendingCall p = detached.take(token);
            if (p == null) {
                continue;
            }
            try {
                p.settle();
            } catch (RemoteException e) {
                throw new EngineException(e.isUnreachable() ? EngineException.Kind.UNREACHABLE
                        : EngineException.Kind.FAILED, target.displayName(), null, e.getMessage(), e);
            }
        }
    }

    public String fetchFile(TargetSpec target, BecomeSpec become, String src, Path dst) throws EngineException {
        return fetchFile(target, become, src, dst, List.of(), List.of());
    }

    /**
     * Writes the target's file to {@code dst} (through a private temp file, so its mode is 0600: the plugin gives
     * it the mode stock's transfer would have, which needs the controller process's umask).
     *
     * @return the remote file's permission bits in octal, as the agent read them (null from an agent that does not
     *         say)
     */
    public String fetchFile(TargetSpec target, BecomeSpec become, String src, Path dst, List<String> pre,
            List<Long> after) throws EngineException {
        return withContext(target, become, target.python(), pre, after, (conn, ctx, extras) -> {
            Path dir = dst.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".fetch-", ".part");
            String mode;
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    JsonNode m = ctx.fetchFile(extras.decorate(Json.object().put("op", "fetch_file").put("path", src)),
                            out).header().get("mode");
                    mode = m == null || m.isNull() ? null : m.asText();
                }
                try {
                    Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return mode;
        });
    }

    public void reset(TargetSpec target) throws EngineException {
        try {
            pool.evict(target);
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILED, target.displayName(), null, e.getMessage(), e);
        }
    }

    /** Log lines the target's contexts forwarded since the last call, for Ansible to show at -vvv. */
    public List<String> drainLogs(TargetSpec target) {
        try {
            TargetConnection c = pool.lookup(target);
            return c == null ? List.of() : c.logs().drain();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        pool.close();
        if (factory instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing is best effort; the process is usually ending.
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface ContextWork<T> {
        T run(TargetConnection conn, RemoteContext ctx, CallExtras extras)
                throws RemoteException, IOException, EngineException;
    }

    /** Signals that the target has no usable Python at the requested path. */
    private static final class NoPythonException extends EngineException {
        final String remoteStderr;

        NoPythonException(String host, String message, String remoteStderr) {
            super(Kind.FAILED, host, null, message);
            this.remoteStderr = remoteStderr;
        }
    }

    private TargetConnection connect(TargetSpec target) throws EngineException {
        try {
            TargetConnection c = pool.get(target);
            c.touch();
            if (routerDebugAlways && !c.debugEnabled()) {
                c.enableDebug(debugDir);
            }
            return c;
        } catch (TransportException e) {
            if (e.isConfigurationError()) {
                throw new EngineException(EngineException.Kind.BAD_REQUEST, target.displayName(),
                        e instanceof HopFailure h ? h.hop() : target.toString(),
                        target.displayName() + ": " + e.getMessage(), e);
            }
            throw unreachable(target, e.getMessage(), e);
        } catch (IOException e) {
            throw unreachable(target, e.toString(), e);
        }
    }

    /**
     * Runs {@code work} on the context for {@code become} on {@code target}. A pooled connection can die unseen
     * between two tasks (a container restarted, sshd killed): a call that was then never delivered is made again,
     * once, on a fresh connection, so that task does not fail. Not when it waits for files sent earlier on the
     * dead connection ({@code after}): those are lost with it, and the task must fail.
     */
    private <T> T withContext(TargetSpec target, BecomeSpec become, String interpreter, List<String> pre,
            List<Long> after, ContextWork<T> work) throws EngineException {
        try {
            return withContextOnce(target, become, interpreter, pre, after, work, after.isEmpty());
        } catch (Undelivered u) {
            evictQuietly(target);
            return withContextOnce(target, become, interpreter, pre, after, work, false);
        }
    }

    /** Thrown inside {@link #withContext} only: the first attempt's call never left the engine. */
    private static final class Undelivered extends RuntimeException {
        Undelivered(RemoteException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private <T> T withContextOnce(TargetSpec target, BecomeSpec become, String interpreter, List<String> pre,
            List<Long> after, ContextWork<T> work, boolean mayRetry) throws EngineException {
        TargetConnection conn = connect(target);
        RemoteContext ctx;
        interpreter = conn.interpreterFor(interpreter);
        try {
            ctx = conn.context(interpreter, become);
        } catch (TransportException e) {
            evictQuietly(target);
            throw unreachable(target, e.getMessage(), e);
        } catch (BecomeException failure) {
            // The target is fine; becoming the user is what failed (wrong password, refused flag).
            BecomeException e = failure.onHost(target.displayName());
            if (e.exitStatus() != null) {
                throw new BecomeExited(target.displayName(), e);
            }
            throw new EngineException(e.isBadRequest() ? EngineException.Kind.BAD_REQUEST
                    : EngineException.Kind.FAILED, target.displayName(), null, e.getMessage(), e)
                    .withBecome(e.reason().wireName());
        } catch (RemoteException e) {
            if (mayRetry && e.isUndelivered()) {
                throw new Undelivered(e);
            }
            if (TargetConnection.looksLikeNoPython(e.remoteStderr(), interpreter)) {
                throw new NoPythonException(target.displayName(), "no Python at '" + interpreter + "' on "
                        + target.displayName() + ": " + e.remoteStderr().strip(), e.remoteStderr());
            }
            if ("bad_request".equals(e.type())) {
                throw new EngineException(EngineException.Kind.BAD_REQUEST, target.displayName(), null,
                        e.getMessage(), e);
            }
            if (!conn.isAlive()) {
                evictQuietly(target);
            }
            throw unreachable(target, e.getMessage(), e);
        }
        CallExtras extras = null;
        try {
            extras = CallExtras.take(detached, ctx, pre, after);
            return work.run(conn, ctx, extras);
        } catch (RemoteException e) {
            if (mayRetry && e.isUndelivered()) {
                throw new Undelivered(e);
            }
            if (e.isUnreachable() && ctx.channel().isAlive() && conn.children().forget(ctx)) {
                // Only the become interpreter died; the connection and its other interpreters are fine.
                throw new EngineException(EngineException.Kind.FAILED, target.displayName(), null,
                        "the " + become + " interpreter on " + target.displayName() + " ended: " + e.getMessage()
                                + " (the next task starts a new one)", e);
            }
            if (e.isUnreachable()) {
                String lost = LossWording.midTask(target, conn, e.getMessage());
                evictQuietly(target);
                throw new EngineException(EngineException.Kind.UNREACHABLE, target.displayName(), target.toString(),
                        lost, e);
            }
            throw new EngineException(EngineException.Kind.FAILED, target.displayName(), null, e.getMessage(), e);
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILED, target.displayName(), null, e.toString(), e);
        } finally {
            if (extras != null) {
                extras.release();
            }
            conn.release(ctx);
        }
    }

    private void evictQuietly(TargetSpec target) {
        try {
            pool.evict(target);
        } catch (IOException ignored) {
            // Nothing more to release.
        }
    }

    private static EngineException unreachable(TargetSpec target, String cause, Throwable e) {
        String hop = e instanceof HopFailure h ? h.hop() : target.toString();
        return new EngineException(EngineException.Kind.UNREACHABLE, target.displayName(), hop,
                "Failed to connect to " + target.displayName() + " (" + target + "): " + cause, e);
    }

    private static ExecResult toResult(Reply r) {
        int rc = r.header().path("rc").asInt(1);
        int outLen = r.header().path("stdout_len").asInt(0);
        byte[] b = r.body();
        outLen = Math.min(outLen, b.length);
        return new ExecResult(rc, Arrays.copyOfRange(b, 0, outLen), Arrays.copyOfRange(b, outLen, b.length));
    }

}
