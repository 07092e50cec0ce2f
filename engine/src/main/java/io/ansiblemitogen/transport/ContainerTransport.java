package io.ansiblemitogen.transport;

import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ansible_connection: docker | podman}: commands run through {@code RUNTIME exec -i [-u USER] NAME}, on this
 * machine or, behind a hop, as one more exec channel of the hop's connection (no new SSH connection).
 *
 * <p>Each {@code exec} costs a runtime invocation (about 0.2 s for podman here), so the engine uses this only to
 * start the container's login interpreter once and, for containers without Python, for raw commands.
 *
 * <p>On this machine the runtime is {@code ANSIBLE_MITOGEN_PODMAN} / {@code ANSIBLE_MITOGEN_DOCKER} (or the system
 * properties {@code ansible.mitogen.podman} / {@code ansible.mitogen.docker}) when set, else {@code podman} /
 * {@code docker} from the engine's PATH. Behind a hop it is always the plain name on the hop's PATH: an override
 * names a file on this machine, which means nothing on another.
 */
public final class ContainerTransport implements Transport {
    /** What a runtime exits with when it could not run the command (docker and podman both use 125). */
    static final int RUNTIME_FAILED = 125;

    private final String runtime;
    private final String executable;
    private final String container;
    private final String user;
    private final Transport via;
    /** The runtime runs on this machine (no hop, or a {@code local} one): the override applies and is checked. */
    private final boolean local;
    private volatile boolean open = true;

    /** @param via the transport of the host that runs the containers, or null for this machine */
    public ContainerTransport(String runtime, String container, String user, Transport via)
            throws TransportException {
        if (container == null || container.isBlank()) {
            throw new IllegalArgumentException("no container name (ansible_host) for connection type " + runtime);
        }
        this.runtime = runtime;
        this.container = container;
        this.user = user;
        this.via = via == null ? new LocalTransport() : via;
        this.local = this.via instanceof LocalTransport;
        this.executable = local ? localExecutable(runtime, container) : runtime;
    }

    /** This machine's runtime, checked now: a missing one must not be mistaken later for a missing Python. */
    static String localExecutable(String runtime, String container) throws TransportException {
        String configured = System.getProperty("ansible.mitogen." + runtime);
        String source = "system property ansible.mitogen." + runtime;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("ANSIBLE_MITOGEN_" + runtime.toUpperCase(Locale.ROOT));
            source = "ANSIBLE_MITOGEN_" + runtime.toUpperCase(Locale.ROOT);
        }
        if (configured == null || configured.isBlank()) {
            if (onPath(runtime) == null) {
                throw new TransportException("cannot reach " + runtime + " container '" + container + "': no '"
                        + runtime + "' executable on the engine's PATH (install it, or set ANSIBLE_MITOGEN_"
                        + runtime.toUpperCase(Locale.ROOT) + " to its path)");
            }
            return runtime;
        }
        if (!new File(configured).canExecute()) {
            throw new TransportException("cannot reach " + runtime + " container '" + container + "': " + source
                    + " is '" + configured + "', which is not an executable file");
        }
        return configured;
    }

    private static File onPath(String name) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(File.pathSeparator)) {
            File f = new File(dir.isEmpty() ? "." : dir, name);
            if (f.isFile() && f.canExecute()) {
                return f;
            }
        }
        return null;
    }

    /** The runtime's argument vector that runs {@code command} (a shell string) in the container. */
    public List<String> argv(String command) {
        List<String> argv = new ArrayList<>(List.of(executable, "exec", "-i"));
        if (user != null && !user.isBlank()) {
            argv.add("-u");
            argv.add(user);
        }
        argv.add(container);
        argv.addAll(List.of("/bin/sh", "-c", SETTLE, "sh", command));
        return argv;
    }

    /**
     * Runs the command ({@code $1}) by {@code /bin/sh -c} as stock does, but does not end at once when it failed.
     * podman (4.3, directly or as Docker API) drops what the process wrote when stdin data is still arriving
     * after it exited: measured here, {@code python3: not found} was lost in 6 of 10 starts, so a container
     * without Python looked unreachable instead of giving status 127. Staying alive briefly lets the output
     * reach the client first (0 of 10 lost). Only failures pay it: a running agent or a command that succeeded
     * exits immediately.
     */
    static final String SETTLE = "/bin/sh -c \"$1\"; rc=$?; [ $rc -eq 0 ] || sleep 0.3; exit $rc";

    /**
     * Behind a hop the runtime may be missing there; the shell's "not found" would then read like a missing
     * Python, so the check reports it in words of its own, with the runtime's own failure status.
     */
    String shellCommand(String command) {
        String exec = ShellWords.join(argv(command));
        if (local) {
            return exec;
        }
        String q = ShellWords.quote(executable);
        return "command -v " + q + " >/dev/null 2>&1 || { echo " + ShellWords.quote(runtime
                + " is not installed on this host, cannot reach container " + container) + " >&2; exit "
                + RUNTIME_FAILED + "; }; exec " + exec;
    }

    @Override
    public RemoteProcess exec(String command) throws TransportException {
        if (!open) {
            throw new TransportException(describe() + " is closed");
        }
        return new Labelled(via.exec(shellCommand(command)), runtime + " exec into container '" + container + "'");
    }

    /** Through an SSH hop the container's link crosses that network: it compresses as the hop's own would. */
    @Override
    public int linkCompressionLevel() {
        return via.linkCompressionLevel();
    }

    @Override
    public boolean isConnected() {
        return open && via.isConnected();
    }

    @Override
    public String describe() {
        return runtime + " " + (user == null ? "" : user + "@") + container
                + (local ? "" : " via " + via.describe());
    }

    @Override
    public void close() {
        open = false; // The hop's connection belongs to the pool, not to this container.
    }

    /**
     * The runtime's process, whose diagnostics wait for it to end once its stdout has ended. An agent that fails
     * to start is reported from the reader thread as soon as stdout closes, which can be before the stderr reader
     * has seen the runtime's message ("no such container"); waiting briefly for the exit closes that race. While
     * stdout is open (the engine closing a live connection, a start-up timeout) nothing is waited for. Raw stderr
     * ({@link #stderrBytes()}) is passed through unchanged.
     */
    private static final class Labelled implements RemoteProcess {
        private final RemoteProcess p;
        private final String label;
        private final EofWatch stdout;

        Labelled(RemoteProcess p, String label) {
            this.p = p;
            this.label = label;
            this.stdout = new EofWatch(p.stdout());
        }

        @Override
        public OutputStream stdin() {
            return p.stdin();
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }

        @Override
        public String stderrTail() {
            if (!stdout.ended) {
                return p.stderrTail();
            }
            int rc;
            try {
                rc = p.waitFor(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rc = -1;
            }
            if (rc < 0) {
                return p.stderrTail();
            }
            String said = new String(p.stderrBytes(), StandardCharsets.UTF_8).strip();
            if (said.length() > 4000) {
                said = said.substring(said.length() - 4000);
            }
            // Verbatim when there is something: for a missing Python it becomes the module's stderr, as in stock.
            return said.isEmpty() ? label + " ended with status " + rc : said;
        }

        @Override
        public byte[] stderrBytes() {
            return p.stderrBytes();
        }

        @Override
        public int waitFor(long timeoutMillis) throws InterruptedException {
            return p.waitFor(timeoutMillis);
        }

        @Override
        public void close() {
            p.close();
        }
    }

    /** Remembers that the stream reached its end (or failed), so diagnostics know the process is going away. */
    private static final class EofWatch extends FilterInputStream {
        volatile boolean ended;

        EofWatch(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            return seen(() -> super.read(), 1);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return seen(() -> super.read(b, off, len), len);
        }

        private int seen(IoRead r, int asked) throws IOException {
            try {
                int n = r.read();
                if (n < 0 && asked > 0) {
                    ended = true;
                }
                return n;
            } catch (IOException e) {
                ended = true;
                throw e;
            }
        }

        @FunctionalInterface
        private interface IoRead {
            int read() throws IOException;
        }
    }
}
