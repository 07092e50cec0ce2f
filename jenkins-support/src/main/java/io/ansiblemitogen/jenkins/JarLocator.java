package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the CLI jar lives on an agent. The file name carries the jar's SHA-256, so a new plugin version ships a
 * new file next to the old one (a daemon still running from the old jar keeps working) and a corrupt or
 * tampered copy is detected and replaced rather than run.
 */
public final class JarLocator {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");

    private JarLocator() {
    }

    /** {@code $XDG_CACHE_HOME/ansible-mitogen/jars}, else {@code ~/.cache/ansible-mitogen/jars}. */
    public static Path defaultCacheDir(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".cache");
        return base.resolve("ansible-mitogen").resolve("jars");
    }

    public static Path pathFor(Path cacheDir, String sha256) {
        return cacheDir.resolve("ansible-mitogen-cli-" + checkSha(sha256) + ".jar");
    }

    /** A jar verified in this JVM, identified by size and modification time, so each run need not hash it again. */
    private record Verified(long size, java.nio.file.attribute.FileTime modified) {
    }

    private static final Map<Path, Verified> VERIFIED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The cached jar, if it is there and its content still has the expected digest. */
    public static Optional<Path> find(Path cacheDir, String sha256) throws IOException {
        Path p = pathFor(cacheDir, sha256);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        Verified now = new Verified(Files.size(p), Files.getLastModifiedTime(p));
        if (now.equals(VERIFIED.get(p))) {
            return Optional.of(p);
        }
        if (Sha256.of(p).equals(checkSha(sha256))) {
            VERIFIED.put(p, now);
            return Optional.of(p);
        }
        VERIFIED.remove(p);
        return Optional.empty();
    }

    /**
     * Writes {@code content} to the cache, verifying its digest before it becomes visible under its final name
     * (write to a temporary file, then rename), so a concurrent reader never sees half a jar.
     */
    public static Path install(Path cacheDir, String sha256, InputStream content) throws IOException {
        Path target = pathFor(cacheDir, sha256);
        // Private: whoever can replace this jar runs code as the agent's user.
        Files.createDirectories(cacheDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = Files.createTempFile(cacheDir, ".incoming-", ".jar");
        try {
            Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
            String actual = Sha256.of(tmp);
            if (!actual.equals(checkSha(sha256))) {
                throw new IOException("the CLI jar sent to this agent has SHA-256 " + actual + ", expected " + sha256);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String checkSha(String sha) {
        String s = sha == null ? "" : sha.toLowerCase(Locale.ROOT);
        if (!SHA.matcher(s).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha);
        }
        return s;
    }
}
