package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.rules.ExternalResource;

/**
 * A real OpenSSH {@code sshd} on a free loopback port, with throwaway host and client keys, for end-to-end
 * tests. Use it with try-with-resources or as a JUnit {@code @Rule}/{@code @ClassRule}.
 *
 * <p>Everything lives in one throwaway directory ({@link #dir()}): host key, client keys, authorized_keys (named
 * by an absolute AuthorizedKeysFile, so it serves every account, root included), known_hosts for
 * {@code [127.0.0.1]:PORT}, sshd_config and sshd's log. The log is written at VERBOSE level and is what
 * {@link #acceptedConnections()} counts.
 */
public final class SshdFixture extends ExternalResource implements AutoCloseable {
    /** The passphrase of {@link #passphraseKey()}. */
    public static final String PASSPHRASE = "testkit passphrase";
    private static final String HOST = Loopback.HOST;
    private static final long START_TIMEOUT_MS = 15_000;
    // "Accepted key ED25519 ... found at" is logged for each key probe; only this line is a login
    private static final Pattern ACCEPTED =
            Pattern.compile("Accepted \\S+ for \\S+ from .*");
    private static final Pattern SESSION = Pattern.compile("Starting session: .*");

    private final boolean passwordAuthentication;
    private final String permitRootLogin;
    private final List<String> extraConfig;
    /** Lines {@link #restartListener} adds for the server it starts. */
    private final List<String> restartConfig = new ArrayList<>();
    private final boolean keepDir;
    private final boolean privateTmp;
    private final boolean usePam;

    private Path dir;
    private int port;
    private Process process;

    private SshdFixture(Builder b) {
        this.passwordAuthentication = b.passwordAuthentication;
        this.permitRootLogin = b.permitRootLogin;
        this.extraConfig = List.copyOf(b.extraConfig);
        this.keepDir = b.keepDir || Boolean.getBoolean("testkit.keep");
        this.privateTmp = b.privateTmp;
        this.usePam = b.usePam;
    }

    /** A fixture with key authentication only and root logins allowed; call {@link #start()}. */
    public SshdFixture() {
        this(new Builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for the fixture's sshd_config. */
    public static final class Builder {
        private boolean passwordAuthentication;
        private String permitRootLogin = "yes";
        private final List<String> extraConfig = new ArrayList<>();
        private boolean keepDir;
        private boolean privateTmp;
        private boolean usePam;

        /**
         * Give every session TMPDIR={@link #targetTmp()} (sshd's SetEnv), so what the target writes to its temp
         * dir (AnsiballZ unpacks modules there) lands in a directory no other test on this machine uses, where
         * {@link TempDirWatch} can watch it without noise. Off by default: a user's target has no such setting.
         */
        public Builder privateTmp(boolean on) {
            this.privateTmp = on;
            return this;
        }

        /**
         * sshd's UsePAM: with it, each connection opens a PAM session (Debian's /etc/pam.d/sshd: pam_env reads
         * /etc/environment and /etc/default/locale). Off by default.
         */
        public Builder usePam(boolean on) {
            this.usePam = on;
            return this;
        }

        /** Allow password logins (accounts from {@link TestAccounts#ensureUser}). Off by default. */
        public Builder passwordAuthentication(boolean on) {
            this.passwordAuthentication = on;
            return this;
        }

        /** sshd's PermitRootLogin value: yes (default), prohibit-password, no. */
        public Builder permitRootLogin(String value) {
            this.permitRootLogin = value;
            return this;
        }

        /** An extra sshd_config line, appended as is. */
        public Builder config(String line) {
            this.extraConfig.add(line);
            return this;
        }

        /** Keep the throwaway directory after close (also: -Dtestkit.keep=true), to read its log. */
        public Builder keepDir(boolean keep) {
            this.keepDir = keep;
            return this;
        }

        public SshdFixture build() {
            return new SshdFixture(this);
        }

        /** Builds and starts. */
        public SshdFixture start() {
            return build().start();
        }
    }

    /** Creates keys and config, and starts sshd; returns once the port accepts connections. */
    public synchronized SshdFixture start() {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        try {
            dir = Files.createTempDirectory("testkit-sshd-");
            // sshd reads authorized_keys with the target user's rights: other accounts must be able to enter.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory, sshd refuses without
            SshKeys.ed25519(hostKey(), "", "testkit");
            SshKeys.ed25519(clientKey(), "", "testkit");
            SshKeys.ed25519(passphraseKey(), PASSPHRASE, "testkit");
            String authorized = Files.readString(SshKeys.pub(clientKey()))
                    + Files.readString(SshKeys.pub(passphraseKey()));
            Files.writeString(authorizedKeys(), authorized);
            Files.setPosixFilePermissions(authorizedKeys(), PosixFilePermissions.fromString("rw-r--r--"));
            if (privateTmp) {
                Files.createDirectories(targetTmp());
                // any account may log in: like /tmp, writable by all, sticky
                Procs.check(List.of("chmod", "1777", targetTmp().toString()), null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare sshd directory", e);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = Loopback.freePort();
            try {
                launch();
                return this;
            } catch (IllegalStateException e) {
                // another process may have taken the port between probe and bind: try another one
                last = e;
            }
        }
        close();
        throw last;
    }

    private void launch() {
        try {
            Files.writeString(knownHosts(),
                    "[" + HOST + "]:" + port + " " + Files.readString(SshKeys.pub(hostKey())));
            Files.writeString(config(), sshdConfig());
            int listeningBefore = countLog("Server listening on ");
            process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config().toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (countLog("Server listening on ") <= listeningBefore) {
                if (!process.isAlive()) {
                    Process dead = process;
                    process = null;
                    throw new IllegalStateException("sshd exited with " + dead.exitValue() + " on port " + port
                            + ": " + readLog());
                }
                if (System.currentTimeMillis() > deadline) {
                    stopProcess();
                    throw new IllegalStateException("sshd did not listen on port " + port + ": " + readLog());
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting sshd", e);
        }
    }

    private String sshdConfig() {
        StringBuilder c = new StringBuilder();
        c.append("ListenAddress ").append(HOST).append(':').append(port).append('\n');
        c.append("HostKey ").append(hostKey()).append('\n');
        c.append("PidFile ").append(dir.resolve("sshd.pid")).append('\n');
        c.append("AuthorizedKeysFile ").append(authorizedKeys()).append('\n');
        c.append("PermitRootLogin ").append(permitRootLogin).append('\n');
        c.append("PasswordAuthentication ").append(passwordAuthentication ? "yes" : "no").append('\n');
        c.append("KbdInteractiveAuthentication no\n");
        c.append("PubkeyAuthentication yes\n");
        // the throwaway dir lives under /tmp, which StrictModes would reject
        c.append("StrictModes no\n");
        // no PAM: no login sessions, no pam_env surprises, password checked against /etc/shadow directly
        c.append("UsePAM ").append(usePam ? "yes" : "no").append('\n');
        c.append("UseDNS no\n");
        c.append("PrintMotd no\n");
        c.append("PrintLastLog no\n");
        c.append("X11Forwarding no\n");
        c.append("AllowTcpForwarding yes\n");
        // parallel tests and forks open many connections and sessions at once
        c.append("MaxStartups 200:30:400\n");
        c.append("MaxSessions 200\n");
        c.append("MaxAuthTries 20\n");
        c.append("LoginGraceTime 30\n");
        c.append("Subsystem sftp /usr/lib/openssh/sftp-server\n");
        // VERBOSE logs "Connection from": what the connection counters read
        c.append("LogLevel VERBOSE\n");
        if (privateTmp) {
            c.append("SetEnv TMPDIR=").append(targetTmp()).append('\n');
        }
        for (String line : extraConfig) {
            c.append(line).append('\n');
        }
        for (String line : restartConfig) {
            c.append(line).append('\n');
        }
        return c.toString();
    }

    /**
     * Stops only the listening sshd and starts a new one on the same port, as {@code systemctl restart ssh} does:
     * the sessions it accepted stay alive, logged in under the old server. The new sshd's config gets
     * {@code configLines} too (say, a {@code SetEnv} that shows which server a session came from).
     */
    public synchronized void restartListener(String... configLines) {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        process = null;
        restartConfig.clear();
        restartConfig.addAll(List.of(configLines));
        relaunch();
    }

    /** Stops sshd and every session it serves, then starts it again on the same port and keys. */
    public synchronized void restart() {
        if (dir == null) {
            throw new IllegalStateException("not started");
        }
        stopProcess();
        relaunch();
    }

    /** Starts sshd again on the same port: a lingering TIME_WAIT is fine (sshd binds with SO_REUSEADDR). */
    private void relaunch() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                launch();
                return;
            } catch (IllegalStateException e) {
                last = e;
                Procs.sleep(250);
            }
        }
        throw last;
    }

    /** Stops sshd and every session it serves, but keeps the directory (the port stays refused). */
    public synchronized void stop() {
        stopProcess();
    }

    private void stopProcess() {
        if (process != null) {
            Procs.killTree(process.toHandle());
            process = null;
        }
    }

    @Override
    public synchronized void close() {
        stopProcess();
        if (dir != null && !keepDir) {
            Procs.deleteTree(dir);
        }
    }

    @Override
    protected void before() {
        start();
    }

    @Override
    protected void after() {
        close();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public String host() {
        return HOST;
    }

    /** The account tests run as (root here): the default login user. */
    public String userName() {
        return System.getProperty("user.name");
    }

    public Path dir() {
        return dir;
    }

    /** Unencrypted ed25519 private key, authorised for every account. */
    public Path clientKey() {
        return dir.resolve("client_ed25519");
    }

    /** ed25519 private key protected by {@link #passphrase()}, authorised for every account. */
    public Path passphraseKey() {
        return dir.resolve("client_pp_ed25519");
    }

    public String passphrase() {
        return PASSPHRASE;
    }

    /** The sessions' TMPDIR when built with {@link Builder#privateTmp(boolean)}. */
    public Path targetTmp() {
        return dir.resolve("target-tmp");
    }

    /** known_hosts holding the host key for {@code [127.0.0.1]:PORT}. */
    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    public Path hostKey() {
        return dir.resolve("host_ed25519");
    }

    public Path authorizedKeys() {
        return dir.resolve("authorized_keys");
    }

    public Path config() {
        return dir.resolve("sshd_config");
    }

    /** sshd's own log (stderr, -e), appended across restarts. */
    public Path log() {
        return dir.resolve("sshd.log");
    }

    /** Successful authentications since the first start ("Accepted publickey/password for ..."). */
    public int acceptedConnections() {
        return countLog(ACCEPTED);
    }

    /** Sessions (exec, shell, sftp subsystem) started over all connections ("Starting session: ..."). */
    public int sessionsStarted() {
        return countLog(SESSION);
    }

    /** TCP connections sshd took, authenticated or not ("Connection from ..."). */
    public int connectionsOpened() {
        return countLog("Connection from ");
    }

    /** The OpenSSH options a client needs to trust this server's host key. */
    public String sshCommonArgs() {
        return "-o UserKnownHostsFile=" + knownHosts() + " -o StrictHostKeyChecking=yes";
    }

    public String readLog() {
        try {
            return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int countLog(String prefix) {
        return countLog(Pattern.compile(Pattern.quote(prefix) + ".*"));
    }

    private int countLog(Pattern pattern) {
        int n = 0;
        for (String line : readLog().split("\r?\n")) { // sshd -e ends its lines with \r\n
            if (pattern.matcher(line).matches()) {
                n++;
            }
        }
        return n;
    }
}
