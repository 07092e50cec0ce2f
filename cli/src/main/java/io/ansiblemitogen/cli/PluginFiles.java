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
 * concurrent runs never see half-written files (written to a temp dir, then renamed into place).
 */
public final class PluginFiles {
    static final String RESOURCE_ROOT = "io/ansiblemitogen/plugin";

    private PluginFiles() {
    }

    /** The directory holding {@code strategy/} (for {@code strategy_plugins}) and our Python package. */
    public static Path ensureExtracted() throws IOException {
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

    public static Path strategyDir() throws IOException {
        return ensureExtracted().resolve("strategy");
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
