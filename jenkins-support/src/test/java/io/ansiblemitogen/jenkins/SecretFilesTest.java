package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SecretFilesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void directoryAndFilesArePrivateAndGoneAfterClose() throws IOException {
        Path dir;
        Path key;
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            dir = s.dir();
            key = s.write("key", "KEY".getBytes(StandardCharsets.UTF_8));
            Path script = s.writeExecutable("inventory", "#!/bin/sh\n");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
            assertArrayEquals("KEY".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(key));
        }
        assertFalse(Files.exists(key));
        assertFalse(Files.exists(dir));
    }

    @Test
    public void refusesAParentInsideTheWorkspace() throws IOException {
        Path ws = tmp.newFolder("ws").toPath();
        IOException e = assertThrows(IOException.class, () -> SecretFiles.create(ws.resolve("secrets"), ws));
        assertTrue(e.getMessage(), e.getMessage().contains("under the workspace"));
    }

    @Test
    public void reopenClosesAnExistingDirectoryOnlyIfItIsOurs() throws IOException {
        SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null);
        s.writeText("vault-password", "v");
        SecretFiles.reopen(s.dir()).close();
        assertFalse(Files.exists(s.dir()));
        s.close(); // twice is fine
        assertThrows(IOException.class, () -> SecretFiles.reopen(tmp.newFolder("home").toPath()));
    }

    @Test
    public void rejectsPathsInNames() throws IOException {
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            assertThrows(IllegalArgumentException.class, () -> s.writeText("../escape", "x"));
            assertThrows(IllegalArgumentException.class, () -> s.writeText(".hidden", "x"));
        }
    }
}
