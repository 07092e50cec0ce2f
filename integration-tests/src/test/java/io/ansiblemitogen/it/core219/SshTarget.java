package io.ansiblemitogen.it.core219;

import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.SshdFixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One ssh target of the 2.19 suite: a real sshd on loopback, either serving this machine (Debian 12, Python
 * 3.11) or chrooted into the trixie root (Debian 13, Python 3.13; sshd's {@code ChrootDirectory}, so only the
 * session runs inside it). Each target's sessions get their own {@code TMPDIR} (sshd {@code SetEnv}), which is
 * where AnsiballZ unpacks a module it runs from a file: the test kit's {@link io.ansiblemitogen.testkit.TempDirWatch} watches it.
 *
 * <p>The chrooted sshd runs in a private mount namespace holding {@code /proc}, {@code /sys} (network facts read
 * it) and {@code /dev/pts} inside the
 * root, as a real Debian 13 machine has them: without {@code /dev/pts}, {@code openpty()} fails there ("out of
 * pty devices") and without {@code /proc} facts are not a real machine's. The {@link SshdFixture} makes keys,
 * known_hosts and sshd_config and is then stopped; this class starts sshd again on the same config and port
 * inside the namespace, so nothing is ever mounted outside it: the mounts end with sshd and its sessions.
 */
final class SshTarget implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String alias;
    private final Path chroot;
    private final Path tmpDir;
    private final SshdFixture sshd;
    private Process namespacedSshd;

    private SshTarget(String alias, Path chroot) {
        this.alias = alias;
        this.chroot = chroot;
        this.tmpDir = scratchDir(chroot, "tkt-");
        SshdFixture.Builder b = SshdFixture.builder().config("SetEnv TMPDIR=" + tmpDir);
        if (chroot != null) {
            b.config("ChrootDirectory " + chroot);
        }
        SshdFixture started;
        try {
            started = b.start();
        } catch (RuntimeException e) {
            Procs.deleteTree(onHost(tmpDir));
            throw e;
        }
        this.sshd = started;
        if (chroot != null) {
            try {
                restartInNamespace();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    private void restartInNamespace() {
        sshd.stop();
        // -E (log to a file), not the fixture's -e: with -e, the session process's log lines ("Changed root
        // directory to ...") go to its stderr, i.e. to the client, and stock raw/script output would show them.
        String script = "mount -t proc proc \"$1/proc\" && mount --bind /dev/pts \"$1/dev/pts\""
                + " && mount --bind /sys \"$1/sys\""
                + " && exec /usr/sbin/sshd -D -E \"$3\" -f \"$2\"";
        try {
            namespacedSshd = new ProcessBuilder(List.of("unshare", "--mount", "--propagation", "private",
                    "/bin/sh", "-c", script, "chroot-sshd", chroot.toString(), sshd.config().toString(),
                    sshd.log().toString()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(sshd.log().toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd in a mount namespace", e);
        }
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(sshd.host(), sshd.port()), 500);
                return;
            } catch (IOException notYet) {
                if (!namespacedSshd.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("chrooted sshd did not listen on port " + sshd.port() + ": "
                            + sshd.readLog());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** This machine: /usr/bin/python3 is Debian 12's 3.11. */
    static SshTarget thisMachine(String alias) {
        return new SshTarget(alias, null);
    }

    /** Sessions inside the root: /usr/bin/python3 is its suite's (Debian 13: 3.13, sid: 3.14). */
    static SshTarget inRoot(String alias, DebianRoot root) {
        return new SshTarget(alias, root.path());
    }

    String alias() {
        return alias;
    }

    SshdFixture sshd() {
        return sshd;
    }

    /** The target's TMPDIR, as the target sees it. */
    Path tmpDir() {
        return tmpDir;
    }

    /** Where a path of the target is on this machine. */
    Path onHost(Path targetPath) {
        return chroot == null ? targetPath : chroot.resolve(targetPath.getRoot().relativize(targetPath));
    }

    /** Connection variables: the fixture's login, key and known_hosts, and Debian's /usr/bin/python3. */
    Map<String, Object> hostVars() {
        return Inventory.fixtureVars(sshd);
    }

    /**
     * A new empty directory /tmp/PREFIX + 8 hex digits on the target (same length every time, so the comparator's
     * placeholders line up), returned as the target sees it.
     */
    Path scratchDir(String prefix) {
        return scratchDir(chroot, prefix);
    }

    /** The same on this machine, or in {@code chroot} when not null. */
    static Path scratchDir(Path chroot, String prefix) {
        for (int i = 0; i < 100; i++) {
            byte[] b = new byte[4];
            RANDOM.nextBytes(b);
            Path p = Path.of("/tmp", prefix + HexFormat.of().formatHex(b));
            try {
                Path h = chroot == null ? p : chroot.resolve("tmp").resolve(p.getFileName());
                Files.createDirectory(h);
                Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
                return p;
            } catch (FileAlreadyExistsException e) {
                // try another name
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free scratch directory name under /tmp in " + chroot);
    }

    @Override
    public void close() {
        if (namespacedSshd != null) {
            Procs.killTree(namespacedSshd.toHandle());
        }
        if (sshd != null) {
            sshd.close();
        }
        Procs.deleteTree(onHost(tmpDir));
    }
}
