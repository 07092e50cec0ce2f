package io.ansiblemitogen.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.ansiblemitogen.testkit.Loopback;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.SshKeys;

/**
 * A loopback OpenSSH sshd for the benchmark's targets, with throwaway keys in its own directory.
 *
 * <p>Not testkit's SshdFixture: sshd_config takes the first value of a keyword, so the fixture's MaxStartups and
 * MaxSessions cannot be raised by extra lines for 100 hosts connecting at once, and its VERBOSE log (which it
 * reads back whole to count connections) would grow with every run; the proxy counts connections here.
 */
final class BenchSshd implements AutoCloseable {
    private static final String HOST = Loopback.HOST;
    private final Path dir;
    private final int port;
    private final Path clientKey;
    private Process process;

    /** Starts sshd authorising {@code clientKey} (generated if missing, so several daemons share one key). */
    BenchSshd(Path parent, Path clientKey) {
        this.clientKey = clientKey;
        try {
            dir = Files.createTempDirectory(parent, "sshd-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory
            SshKeys.ed25519(hostKey(), "", "bench");
            synchronized (BenchSshd.class) {
                if (!Files.exists(clientKey)) {
                    SshKeys.ed25519(clientKey, "", "bench");
                }
            }
            Files.copy(SshKeys.pub(clientKey()), dir.resolve("authorized_keys"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare sshd directory", e);
        }
        this.port = startOnFreePort();
    }

    private int startOnFreePort() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int p = Loopback.freePort();
            try {
                start(p);
                return p;
            } catch (IllegalStateException e) {
                last = e; // the port may have been taken between probe and bind
            }
        }
        throw last;
    }

    private void start(int p) {
        String cfg = String.join("\n",
                "ListenAddress " + HOST + ":" + p,
                "HostKey " + hostKey(),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PermitRootLogin yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "StrictModes no",
                "UsePAM no",
                "UseDNS no",
                "PrintMotd no",
                "PrintLastLog no",
                "X11Forwarding no",
                // every host of a play may connect in the same second: no early drops
                "MaxStartups 1000:100:1000",
                "MaxSessions 1000",
                "LoginGraceTime 60",
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                "LogLevel ERROR",
                "");
        try {
            Path config = Files.writeString(dir.resolve("sshd_config"), cfg);
            process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd", e);
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, p), 200);
                return;
            } catch (IOException notYet) {
                Procs.sleep(20);
            }
        }
        Procs.killTree(process.toHandle());
        throw new IllegalStateException("sshd did not listen on " + p + ": " + log());
    }

    int port() {
        return port;
    }

    Path clientKey() {
        return clientKey;
    }

    Path hostKeyPub() {
        return SshKeys.pub(hostKey());
    }

    private Path hostKey() {
        return dir.resolve("host_ed25519");
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            Procs.killTree(process.toHandle());
            process = null;
        }
        Procs.deleteTree(dir);
    }
}
