package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The secrets of a run that could not end itself (its controller restarted mid-playbook, so the step failed on
 * resume and {@link AgentRun#finish} never ran) are deleted by the next run on that agent, and only those.
 */
public class StaleSecretsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aDeadOwnersSecretsAreDeleted() throws Exception {
        Path base = tmp.getRoot().toPath();
        Process p = new ProcessBuilder("true").start();
        ProcessHandle h = p.toHandle();
        long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        p.waitFor();
        Path dir = secretsDir(base, new SecretsOwner(h.pid(), start, "t"));
        assertEquals(List.of(dir.toString()), StaleSecrets.sweep(base));
        assertFalse(Files.exists(dir));
    }

    @Test
    public void anEarlierChannelOfThisSameJvmIsStaleButTheCurrentOneIsNot() throws Exception {
        // An inbound agent survives a controller restart and reconnects: same JVM, new channel, new token.
        Path base = tmp.getRoot().toPath();
        SecretsOwner me = SecretsOwner.current();
        Path earlier = secretsDir(base, new SecretsOwner(me.pid(), me.startMillis(), "earlier-channel"));
        try (SecretFiles live = SecretFiles.create(base, null)) {
            live.writeText("ssh-key", "KEY");
            assertEquals(List.of(earlier.toString()), StaleSecrets.sweep(base));
            assertTrue(Files.exists(live.dir().resolve("ssh-key")));
        }
    }

    @Test
    public void aLiveOtherProcessKeepsItsSecrets() throws Exception {
        Path base = tmp.getRoot().toPath();
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessHandle h = p.toHandle();
            Path dir = secretsDir(base, new SecretsOwner(h.pid(),
                    h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L), "other-jvm"));
            assertEquals(List.of(), StaleSecrets.sweep(base));
            assertTrue(Files.exists(dir.resolve("vault-password")));
            // The same pid with another start time is another process that reuses the number.
            Path reused = secretsDir(base, new SecretsOwner(h.pid(), 12345L, "other-jvm"));
            assertEquals(List.of(reused.toString()), StaleSecrets.sweep(base));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    public void anUnownedDirectoryIsStaleOnlyAfterTheGracePeriod() throws Exception {
        Path base = tmp.getRoot().toPath();
        Path dir = Files.createDirectory(base.resolve(SecretFiles.PREFIX + "old-version"));
        Files.writeString(dir.resolve("ssh-key"), "KEY");
        assertEquals(List.of(), StaleSecrets.sweep(base));
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(StaleSecrets.UNOWNED_GRACE).minusSeconds(5)));
        assertEquals(List.of(dir.toString()), StaleSecrets.sweep(base));
    }

    @Test
    public void aSymbolicLinkAndOtherNamesAreNeverFollowed() throws Exception {
        Path base = tmp.newFolder("base").toPath();
        Path elsewhere = tmp.newFolder("elsewhere").toPath();
        Files.writeString(elsewhere.resolve(StaleSecrets.OWNER_FILE), "1 1 dead\n");
        Files.writeString(elsewhere.resolve("precious"), "data");
        Files.createSymbolicLink(base.resolve(SecretFiles.PREFIX + "link"), elsewhere);
        Path unrelated = Files.createDirectory(base.resolve("unrelated"));
        Files.writeString(unrelated.resolve(StaleSecrets.OWNER_FILE), "1 1 dead\n");
        assertEquals(List.of(), StaleSecrets.sweep(base));
        assertTrue(Files.exists(elsewhere.resolve("precious")));
        assertTrue(Files.exists(unrelated));
    }

    @Test
    public void everyFileIsPrivateFromTheMomentItExists() throws Exception {
        // Until the sweep or finish deletes them, nothing but this user can read them: the directory is 0700
        // before anything is in it, and each file is created 0600 (not chmod-ed after it was written).
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.dir())));
            s.writeText("vault-password", "v");
            try (Stream<Path> files = Files.list(s.dir())) {
                for (Path f : files.toList()) {
                    assertEquals(f.toString(), "rw-------",
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
                }
            }
            assertTrue(SecretsOwner.decode(Files.readString(s.dir().resolve(StaleSecrets.OWNER_FILE))).get()
                    .mayBeAlive());
        }
    }

    static Path secretsDir(Path base, SecretsOwner owner) throws IOException {
        Path dir = Files.createTempDirectory(base, SecretFiles.PREFIX);
        Files.writeString(dir.resolve(StaleSecrets.OWNER_FILE), owner.encode());
        Files.writeString(dir.resolve("vault-password"), "v");
        return dir;
    }
}
