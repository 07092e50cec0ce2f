package io.ansiblemitogen.jenkins;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A private directory for the secrets of one run (key, vault password, password vars, inline inventory):
 * mode 0700, files 0600, outside the workspace (which users can browse and archive), deleted in {@link #close()}.
 */
public final class SecretFiles implements Closeable {
    static final String PREFIX = "ansible-mitogen-secrets-";
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> EXEC_MODE = PosixFilePermissions.fromString("rwx------");

    private final Path dir;

    private SecretFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates the directory under {@code parent} (the JVM's temp dir when {@code null}). Refuses a parent inside
     * {@code workspace}, so a misconfiguration cannot put keys where an archive step would pick them up.
     */
    public static SecretFiles create(Path parent, Path workspace) throws IOException {
        Path base = parentOrDefault(parent);
        if (workspace != null && base.startsWith(workspace.toAbsolutePath().normalize())) {
            throw new IOException("refusing to write secrets under the workspace (" + base
                    + "); choose a directory outside " + workspace);
        }
        Files.createDirectories(base);
        if (!posix()) {
            throw new IOException("secret files need a POSIX file system to be private; " + base + " is not");
        }
        Path dir = Files.createTempDirectory(base, PREFIX, PosixFilePermissions.asFileAttribute(DIR_MODE));
        // createTempDirectory applies the umask to the attribute: set the mode again to be sure.
        Files.setPosixFilePermissions(dir, DIR_MODE);
        SecretFiles s = new SecretFiles(dir);
        try {
            // First of all, so that a later run can tell whether this one may still need the directory.
            s.createPrivate(dir.resolve(StaleSecrets.OWNER_FILE),
                    SecretsOwner.current().encode().getBytes(StandardCharsets.UTF_8), FILE_MODE);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Where {@link #create} puts the directory: {@code parent}, else the JVM's temp dir. */
    public static Path parentOrDefault(Path parent) {
        return (parent != null ? parent : Path.of(System.getProperty("java.io.tmpdir"))).toAbsolutePath().normalize();
    }

    /** Re-attaches to a directory made by {@link #create} (e.g. in a later call on the same agent), to close it. */
    public static SecretFiles reopen(Path dir) throws IOException {
        if (!dir.getFileName().toString().startsWith(PREFIX) || !Files.isDirectory(dir)) {
            throw new IOException("not a secrets directory made by ansible-mitogen: " + dir);
        }
        return new SecretFiles(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a file readable by the owner only. {@code name} is a plain file name. */
    public Path write(String name, byte[] content) throws IOException {
        return write(name, content, FILE_MODE);
    }

    public Path writeText(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8), FILE_MODE);
    }

    /** For dynamic inventory scripts, which Ansible runs rather than reads. */
    public Path writeExecutable(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8), EXEC_MODE);
    }

    private Path write(String name, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        if (name.equals(StaleSecrets.OWNER_FILE)) {
            throw new IllegalArgumentException("reserved file name: " + name);
        }
        return createPrivate(dir.resolve(name), content, mode);
    }

    private Path createPrivate(Path f, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        // Created with mode 0600 (the umask can only take bits away), so the content is never readable by
        // others, not even for an instant; an executable gets its x bit only after it is written.
        Files.createFile(f, PosixFilePermissions.asFileAttribute(FILE_MODE));
        try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(content);
        }
        Files.setPosixFilePermissions(f, mode);
        return f;
    }

    /** Overwrites and deletes every file, then the directory. Safe to call twice. */
    @Override
    public void close() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> s = Files.walk(dir)) {
            paths = s.sorted(Comparator.reverseOrder()).toList();
        }
        IOException first = null;
        for (Path p : paths) {
            try {
                if (Files.isRegularFile(p)) {
                    // Zero the bytes first: a deleted file's blocks may otherwise linger on disk.
                    long size = Files.size(p);
                    Files.write(p, new byte[(int) Math.min(size, 1 << 20)], StandardOpenOption.TRUNCATE_EXISTING);
                }
                Files.deleteIfExists(p);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw new IOException("could not delete all secret files in " + dir + ": " + first.getMessage(), first);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
