package io.ansiblemitogen.testkit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TempDirWatchTest {
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void seesEntriesEvenWhenTheyAreGoneAgain() throws Exception {
        Path dir = tmp.getRoot().toPath();
        try (TempDirWatch w = TempDirWatch.start(dir)) {
            Path d = Files.createDirectory(dir.resolve("ansible_ping_payload_abcd1234"));
            Files.delete(d);
            Files.createFile(dir.resolve("unrelated.txt"));
            List<Path> seen = w.settle().created(TempDirWatch.ANSIBLE_TEMP_NAMES);
            assertEquals(List.of(d), seen);
            assertEquals(2, w.created().size());
            assertFalse(w.overflowed());
            assertEquals(List.of(), w.created(Pattern.compile("nothing.*")));
        }
    }
}
