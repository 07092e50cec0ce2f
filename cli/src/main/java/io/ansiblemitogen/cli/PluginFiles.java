package io.ansiblemitogen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Ansible plugin (Python) ships inside the jar; ansible-playbook needs it as files. They are written once per
 * content digest under {@code ~/.cache/ansible-mitogen/plugin-<digest>}, so upgrading never mixes versions and
 * concurrent runs never see half-written files (written to a temp dir, then renamed into place). What users put in
 * ansible.cfg is {@code ~/.cache/ansible-mitogen/current/strategy} ({@link #stableStrategyDir()}): {@code current}
 * is a symbolic link that every command moves to the plugin of the jar it runs, so an upgrade never breaks an
 * ansible.cfg, while a daemon or run already going keeps the digest-named directory it started with.
 */
public final class PluginFiles {
    static final String RESOURCE_ROOT = "io/ansiblemitogen/plugin";

    private PluginFiles() {
    }

    /** The directory holding {@code strategy/} (for {@code strategy_plugins}) and our Python package. */
    public static Path ensureExtracted() throws IOException {
        Path jar = AnsibleEnvironment.ownJar();
        Path index = jar == null ? null : cacheDir().resolve("jars").resolve(jarKey(jar));
        Path known = index == null ? null : indexed(index);
        if (known != null) {
            return known;
        }
        Path dir = extract();
        if (index != null) {
            remember(index, dir);
        }
        return dir;
    }

    static final String CURRENT = "current";

    /**
     * Points {@code base/current} at {@code dir} (a sibling named {@code plugin-<digest>}) unless it already does,
     * replacing the link in one rename so a reader sees the old plugin or the new one, never neither.
     */
    static Path linkCurrent(Path base, Path dir) throws IOException {
        Path link = base.resolve(CURRENT);
        Path target = Path.of(dir.getFileName().toString());
        try {
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                return link;
            }
        } catch (IOException unreadable) {
            // replaced below
        }
        Path tmp = base.resolve(".current-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createSymbolicLink(tmp, target);
        try {
            Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot point " + link + " at " + dir + ": " + e.getMessage(), e);
        }
        return link;
    }

    /** The plugin's {@code sub} directory (strategy, connection) under a path that stays the same across upgrades. */
    public static Path stableDir(String sub) throws IOException {
        Path root = strategyDir().getParent();
        return linkCurrent(root.getParent(), root).resolve(sub);
    }

    /**
     * A jar seen before (same path, size and modification time) names its plugin directory in a small index
     * file, so a run does not open the jar and digest the plugin again (~60 ms of every CLI start).
     */
    private static String jarKey(Path jar) throws IOException {
        String id = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path indexed(Path index) {
        try {
            String name = Files.readString(index).strip();
            Path dir = index.getParent().getParent().resolve(name);
            return name.matches("plugin-[0-9a-f]{16}") && Files.isDirectory(dir.resolve("strategy")) ? dir : null;
        } catch (IOException e) {
            return null; // no index yet, or unreadable: extract as usual
        }
    }

    private static void remember(Path index, Path dir) {
        try {
            Files.createDirectories(index.getParent());
            Path tmp = Files.createTempFile(index.getParent(), ".index-", ".part");
            Files.writeString(tmp, dir.getFileName().toString() + "\n");
            Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // Only the next run's head start is lost.
        }
    }

    private static Path extract() throws IOException {
        Map<String, byte[]> files = readAll();
        if (files.isEmpty()) {
            throw new IOException("the Ansible plugin is missing from the ansible-mitogen jar");
        }
        String digest = digest(files);
        Path base = cacheDir();
        Path dir = base.resolve("plugin-" + digest.substring(0, 16));
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Files.createDirectories(base);
        Path tmp = Files.createTempDirectory(base, ".plugin-");
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = tmp.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
            deleteTree(tmp); // Another run extracted the same digest first.
        }
        return dir;
    }

    /** The digest-named strategy directory, for a run or daemon of this jar; also moves {@code current}. */
    public static Path strategyDir() throws IOException {
        Path root = ensureExtracted();
        placeJar(root);
        try {
            linkCurrent(root.getParent(), root);
        } catch (IOException e) {
            // Only the stable path lags behind; this run has its own directory.
        }
        return root.resolve("strategy");
    }

    /** The directory for {@code connection_plugins}: our ssh/local/docker/podman, which need no strategy. */
    public static Path connectionDir() throws IOException {
        Path root = ensureExtracted();
        placeJar(root);
        return root.resolve("connection");
    }

    /**
     * Puts this CLI's jar beside the plugin as {@code ansible-mitogen-cli.jar}, where the plugin looks for it to
     * start a daemon when a plain ansible-playbook runs with only the two ansible.cfg lines (issue 7).
     */
    static void placeJar(Path root) throws IOException {
        Path jar = AnsibleEnvironment.ownJar();
        if (jar == null) {
            return;
        }
        Path target = root.resolve("ansible-mitogen-cli.jar");
        if (Files.exists(target) && Files.size(target) == Files.size(jar)
                && Files.getLastModifiedTime(target).equals(Files.getLastModifiedTime(jar))) {
            return;
        }
        Path tmp = Files.createTempFile(root, ".jar-", ".part");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("ansible-mitogen");
    }

    private static Map<String, byte[]> readAll() throws IOException {
        URL url = PluginFiles.class.getClassLoader().getResource(RESOURCE_ROOT + "/strategy");
        if (url == null) {
            return Map.of();
        }
        Map<String, byte[]> files = new TreeMap<>();
        try {
            if ("jar".equals(url.getProtocol())) {
                try (FileSystem fs = FileSystems.newFileSystem(url.toURI(), Map.of())) {
                    collect(fs.getPath("/" + RESOURCE_ROOT), files);
                }
            } else {
                collect(Path.of(url.toURI()).getParent(), files);
            }
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        return files;
    }

    private static void collect(Path root, Map<String, byte[]> files) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> paths = s.filter(Files::isRegularFile).toList();
            for (Path p : paths) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.contains("__pycache__") || rel.endsWith(".pyc")) {
                    continue;
                }
                try (InputStream in = Files.newInputStream(p)) {
                    files.put(rel, in.readAllBytes());
                }
            }
        }
    }

    private static String digest(Map<String, byte[]> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            files.forEach((k, v) -> {
                md.update(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(v);
            });
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // A leftover temp dir in the cache is harmless.
        }
    }
}
