package io.ansiblemitogen.it.corpus;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;

/** The other half of the self-consistency check: a real difference between two real runs is reported. */
public class PlantedDifferenceTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aChangedOutputIsReportedWithTaskHostAndField() throws Exception {
        Path original = Corpus.dir().resolve("raw.yml");
        String source = Files.readString(original);
        assertTrue(source.contains("echo raw-out;"));
        Path planted = tmp.getRoot().toPath().resolve("raw.yml");
        Files.writeString(planted, source.replace("echo raw-out;", "echo raw-OUT;"));

        try (CorpusRunner runner = new CorpusRunner()) {
            Inventory inventory = Corpus.inventory(SSHD, "target");
            RunResult a = runner.run(original, inventory, Mode.STOCK);
            RunResult b = runner.run(planted, inventory, Mode.STOCK);
            Corpus.assertSane(original, a);
            Corpus.assertSane(original, b);

            List<String> diffs = new ResultComparator().compare(a, b);
            String all = String.join("\n", diffs);
            assertTrue(all, diffs.contains(
                    "task 'raw command with stdout and stderr' on host target: field stdout_lines[0]:"
                            + " 'raw-out' vs 'raw-OUT'"));
            assertTrue(all, diffs.stream().anyMatch(d -> d.startsWith(
                    "task 'raw command with stdout and stderr' on host target: field stdout: 'raw-out")));
            assertTrue(all, diffs.stream().anyMatch(d -> d.startsWith(
                    "task 'show registered values' on host target: field msg[1][0]: 'raw-out' vs 'raw-OUT'")));
            // nothing but the planted change and what derives from it
            assertEquals(all, 3, diffs.size());
        }
    }
}
