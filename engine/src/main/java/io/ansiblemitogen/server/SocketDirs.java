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
 * {@code $XDG_RUNTIME_DIR/ansible-mitogen} or {@code /tmp/ansible-mitogen-$USER}.
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
        return Path.of(System.getProperty("java.io.tmpdir"), "ansible-mitogen-" + System.getProperty("user.name"));
    }

    /** Creates {@code dir} with mode 0700, or checks that an existing one is ours and private. */
    public static Path ensurePrivate(Path dir) throws IOException {
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(owner));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another process created it: fall through to the checks.
            }
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (refusing to put the engine socket there)");
        }
        String me = System.getProperty("user.name");
        String ownerName = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        if (!ownerName.equals(me)) {
            throw new IOException(dir + " belongs to " + ownerName + ", not " + me
                    + " (refusing to put the engine socket there)");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!owner.containsAll(perms)) {
            Files.setPosixFilePermissions(dir, owner);
        }
        return dir;
    }

    public static Path socketIn(Path dir) {
        return dir.resolve(SOCKET_NAME);
    }
}
