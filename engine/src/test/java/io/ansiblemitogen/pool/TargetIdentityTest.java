package io.ansiblemitogen.pool;

import io.ansiblemitogen.engine.TargetSpec;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

/** Identities follow the key's content, also when the same spec was seen before with another key in that file. */
public class TargetIdentityTest {
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static TargetSpec spec(String name, Path key, List<TargetSpec> via) {
        return new TargetSpec("ssh", name, "192.0.2.7", 22, "deploy", null, key == null ? null : key.toString(),
                null, null, null, null, null, null, null, via);
    }

    @Test
    public void sameTargetSameIdentityWhateverItsInventoryName() throws Exception {
        Path key = tmp.newFile("key").toPath();
        Files.writeString(key, "key one");
        assertEquals(TargetIdentity.of(spec("a", key, null)), TargetIdentity.of(spec("a", key, null)));
        assertEquals(TargetIdentity.of(spec("a", key, null)).digest(), TargetIdentity.of(spec("b", key, null)).digest());
    }

    @Test
    public void aKeyRewrittenInPlaceGivesAnotherIdentity() throws Exception {
        Path key = tmp.newFile("key").toPath();
        Files.writeString(key, "key one");
        Files.setLastModifiedTime(key, FileTime.fromMillis(1_000_000));
        String first = TargetIdentity.of(spec("a", key, null)).digest();
        // Same size, other content, other time: the identity known for this spec must not be reused.
        Files.write(key, "key two".getBytes(StandardCharsets.US_ASCII));
        Files.setLastModifiedTime(key, FileTime.fromMillis(2_000_000));
        String second = TargetIdentity.of(spec("a", key, null)).digest();
        assertNotEquals(first, second);
        // Back to the first content: the first identity again (it is the content that counts, not the file).
        Files.writeString(key, "key one");
        assertEquals(first, TargetIdentity.of(spec("a", key, null)).digest());
    }

    @Test
    public void aHopKeyCountsToo() throws Exception {
        Path hopKey = tmp.newFile("hop").toPath();
        Files.writeString(hopKey, "hop key one");
        TargetSpec hop = spec("bastion", hopKey, null);
        String first = TargetIdentity.of(spec("a", null, List.of(hop))).digest();
        Files.writeString(hopKey, "hop key number two");
        assertNotEquals(first, TargetIdentity.of(spec("a", null, List.of(hop))).digest());
    }

    @Test
    public void aKeyThatAppearsLaterGivesAnotherIdentity() throws Exception {
        Path key = tmp.getRoot().toPath().resolve("later");
        String absent = TargetIdentity.of(spec("a", key, null)).digest();
        Files.writeString(key, "now here");
        assertNotEquals(absent, TargetIdentity.of(spec("a", key, null)).digest());
    }
}
