package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's directory. Whoever can enter it can drive the engine, and so every target it holds a connection
 * to, so it must be the user's own with mode 0700; anything else is refused with a fix to apply.
 */
public final class SocketDir {
    public static final String SOCKET_NAME = "engine.sock";
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private SocketDir() {
    }

    /** {@code $XDG_RUNTIME_DIR/ansible-mitogen}, else {@code /tmp/ansible-mitogen-$UID} (the CLI's default too). */
    public static Path defaultDir(Map<String, String> env) throws IOException {
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) {
            return Path.of(xdg, "ansible-mitogen");
        }
        return Path.of("/tmp", "ansible-mitogen-" + currentUid());
    }

    public static Path socket(Path dir) {
        return dir.resolve(SOCKET_NAME);
    }

    /** Creates the directory 0700, or checks that an existing one is ours, not a link, and 0700. */
    public static void ensurePrivate(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another run created it in the meantime: check it below like any existing one
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (or is a symbolic link); remove it so the daemon"
                    + " can create its private socket directory");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != currentUid()) {
            throw new IOException(dir + " belongs to uid " + owner + ", not to this user (uid " + currentUid()
                    + "); another user may be trying to intercept the engine: remove it or choose another"
                    + " socket directory");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!perms.equals(PRIVATE)) {
            throw new IOException(dir + " has mode " + PosixFilePermissions.toString(perms)
                    + "; it must be rwx------ (run: chmod 700 " + dir + ")");
        }
    }

    private static volatile Integer uid;

    public static int currentUid() throws IOException {
        Integer u = uid;
        if (u == null) {
            Path self = Path.of("/proc/self");
            if (Files.exists(self)) {
                u = (Integer) Files.getAttribute(self, "unix:uid");
            } else { // no procfs (macOS): a file we create is owned by us
                Path probe = Files.createTempFile("ansible-mitogen-uid", ".probe");
                try {
                    u = (Integer) Files.getAttribute(probe, "unix:uid");
                } finally {
                    Files.deleteIfExists(probe);
                }
            }
            uid = u;
        }
        return u;
    }
}
