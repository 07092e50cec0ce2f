package io.ansiblemitogen.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where the daemon's socket lives: a directory only its user can enter (the invariant in the design), by default
 * {@code $XDG_RUNTIME_DIR/ansible-mitogen} or {@code /tmp/ansible-mitogen-$UID} (the Jenkins plugin and the Ansible
 * plugin look in the same places).
 */
public final class SocketDirs {
    public static final String SOCKET_NAME = "engine.sock";

    private SocketDirs() {
    }

    public static Path defaultDir() {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) {
            return Path.of(xdg, "ansible-mitogen");
        }
        return Path.of("/tmp", "ansible-mitogen-" + uid());
    }

    static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            // No procfs (macOS): a file this process creates is owned by its uid.
            try {
                Path probe = Files.createTempFile("ansible-mitogen-uid", ".probe");
                try {
                    return String.valueOf(Files.getAttribute(probe, "unix:uid"));
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | UnsupportedOperationException again) {
                return System.getProperty("user.name");
            }
        }
    }

    /**
     * Creates {@code dir} with mode 0700, or checks that an existing one is a real directory of this user with
     * mode 0700. Anything else is refused rather than repaired: a directory that was open to others may already
     * hold a socket planted by someone else, to which a client would hand its secrets.
     */
    public static Path ensurePrivate(Path dir) throws IOException {
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(owner));
                // createDirectory's mode is filtered by the umask; set it exactly.
                Files.setPosixFilePermissions(dir, owner);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another process created it: fall through to the checks.
            }
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is a symbolic link or not a directory; refusing to put the engine"
                    + " socket there (remove it, or choose another socket directory)");
        }
        Object ownerUid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        String me = uid();
        if (!String.valueOf(ownerUid).equals(me)) {
            throw new IOException(dir + " belongs to uid " + ownerUid + ", not to this user (uid " + me
                    + "); another user may be trying to intercept the engine: remove it or choose another"
                    + " socket directory");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!perms.equals(owner)) {
            throw new IOException(dir + " has mode " + PosixFilePermissions.toString(perms)
                    + "; it must be rwx------ (run: chmod 700 " + dir + ")");
        }
        return dir;
    }

    public static Path socketIn(Path dir) {
        return dir.resolve(SOCKET_NAME);
    }
}
