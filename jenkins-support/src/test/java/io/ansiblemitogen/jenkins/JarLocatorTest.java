package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class JarLocatorTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void installsByDigestAndFindsOnlyIntactCopies() throws IOException {
        Path cache = tmp.getRoot().toPath().resolve("cache");
        byte[] v1 = "jar v1".getBytes(StandardCharsets.UTF_8);
        String sha1 = Sha256.of(v1);
        assertFalse(JarLocator.find(cache, sha1).isPresent());
        Path p = JarLocator.install(cache, sha1, new ByteArrayInputStream(v1));
        assertEquals(JarLocator.pathFor(cache, sha1), p);
        assertTrue(p.getFileName().toString().contains(sha1));
        assertEquals(p, JarLocator.find(cache, sha1).orElseThrow());
        // A new plugin version gets a new file; the old one stays for a daemon still running from it.
        byte[] v2 = "jar v2".getBytes(StandardCharsets.UTF_8);
        Path p2 = JarLocator.install(cache, Sha256.of(v2), new ByteArrayInputStream(v2));
        assertTrue(Files.exists(p) && Files.exists(p2) && !p.equals(p2));
        Files.writeString(p, "tampered");
        assertFalse(JarLocator.find(cache, sha1).isPresent());
    }

    @Test
    public void refusesContentThatDoesNotMatchItsDigest() throws IOException {
        Path cache = tmp.getRoot().toPath().resolve("cache");
        String sha = Sha256.of("expected".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class,
                () -> JarLocator.install(cache, sha, new ByteArrayInputStream("other".getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage(), e.getMessage().contains("expected " + sha));
        try (var files = Files.list(cache)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    public void defaultCacheFollowsXdg() {
        assertEquals(Path.of("/x/cache/ansible-mitogen/jars"),
                JarLocator.defaultCacheDir(Map.of("XDG_CACHE_HOME", "/x/cache"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/ansible-mitogen/jars"), JarLocator.defaultCacheDir(Map.of(), "/home/u"));
        assertThrows(IllegalArgumentException.class, () -> JarLocator.pathFor(Path.of("/c"), "../../etc/passwd"));
    }
}
