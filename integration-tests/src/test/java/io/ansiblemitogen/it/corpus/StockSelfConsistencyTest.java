package io.ansiblemitogen.it.corpus;

import static org.junit.Assert.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;

/**
 * Runs every corpus playbook twice with stock ansible-playbook (ssh, pipelining, host keys checked) and requires
 * the comparator to find no difference: this is what shows the normaliser hides exactly what varies between
 * runs of the same thing, so that a difference found between stock and the engine means something.
 */
@RunWith(Parameterized.class)
public class StockSelfConsistencyTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static CorpusRunner runner;

    /**
     * The playbooks whose results hold what varies between runs (times, temp names, facts, checksums, backups):
     * enough to prove the normaliser, at a fifth of the cost of the whole corpus twice.
     */
    static final Set<String> VOLATILE = Set.of("facts", "stat", "file", "fetch", "script", "shell", "lineinfile",
            "ping", "copy_content", "template");

    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        return Corpus.parameters(VOLATILE);
    }

    private final Path playbook;

    public StockSelfConsistencyTest(String name, Path playbook) {
        this.playbook = playbook;
    }

    @BeforeClass
    public static void startRunner() {
        runner = new CorpusRunner();
    }

    @AfterClass
    public static void stopRunner() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    public void twoStockRunsAgree() throws Exception {
        Inventory inventory = Corpus.inventory(SSHD, "target");
        // the two runs are independent (own scratch dirs, own ssh ControlPath): run them side by side
        CompletableFuture<RunResult> pending =
                CompletableFuture.supplyAsync(() -> runner.run(playbook, inventory, Mode.STOCK));
        RunResult second = runner.run(playbook, inventory, Mode.STOCK);
        RunResult first = pending.join();
        Corpus.assertSane(playbook, first);
        Corpus.assertSane(playbook, second);

        String report = new ResultComparator(ResultNormaliser.standard(), "first stock", "second stock")
                .report(first, second);
        assertEquals(playbook.getFileName() + ": the two stock runs differ\n" + report, "", report);

        if (playbook.getFileName().toString().equals("copy_large.yml")) {
            // the bytes arrived whole: the target's checksum is the one of the file the test made
            assertEquals(sha256(runner.bigFile()),
                    first.task("checksum on the target", "target").field("stat.checksum").asText());
        }
    }

    private static String sha256(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
