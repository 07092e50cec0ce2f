package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SocketDirTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void defaultFollowsXdgRuntimeDirThenTmp() throws IOException {
        Path runtime = tmp.newFolder("run-user").toPath();
        assertEquals(runtime.resolve("ansible-mitogen"), SocketDir.defaultDir(Map.of("XDG_RUNTIME_DIR", runtime.toString())));
        assertEquals(Path.of("/tmp/ansible-mitogen-" + SocketDir.currentUid()), SocketDir.defaultDir(Map.of()));
        // A runtime dir that does not exist (a service account without a login session) is skipped.
        assertEquals(Path.of("/tmp/ansible-mitogen-" + SocketDir.currentUid()),
                SocketDir.defaultDir(Map.of("XDG_RUNTIME_DIR", "/nonexistent/run")));
    }

    @Test
    public void createsPrivateAndAcceptsItsOwn() throws IOException {
        Path dir = tmp.getRoot().toPath().resolve("a").resolve("sock");
        SocketDir.ensurePrivate(dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        SocketDir.ensurePrivate(dir); // again: fine
    }

    @Test
    public void refusesASymbolicLink() throws IOException {
        Path real = tmp.newFolder("real").toPath();
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(tmp.getRoot().toPath().resolve("link"), real);
        IOException e = assertThrows(IOException.class, () -> SocketDir.ensurePrivate(link));
        assertTrue(e.getMessage(), e.getMessage().contains("symbolic link"));
    }
}
