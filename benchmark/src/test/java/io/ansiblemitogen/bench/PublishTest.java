package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Only a full run asked to publish writes the committed report; every other run writes under bench-results/. */
public class PublishTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final ZonedDateTime WHEN = ZonedDateTime.of(2026, 12, 8, 1, 2, 3, 0, ZoneOffset.UTC);

    @Test
    public void withoutPublishTheReportGoesToAFreshResultsDirectory() throws Exception {
        Path repo = tmp.getRoot().toPath();
        Main.Options quick = Main.Options.parse(new String[] {"--repo", repo.toString(), "--quick"});
        assertEquals(repo.resolve("bench-results/20261208-010203"), quick.reportDir(WHEN));
        Files.createDirectories(repo.resolve("bench-results/20261208-010203"));
        assertEquals("a second run in the same second does not mix into the first",
                repo.resolve("bench-results/20261208-010203-2"), quick.reportDir(WHEN));
        Main.Options full = Main.Options.parse(new String[] {"--repo", repo.toString()});
        assertTrue("a full run without --publish does not publish either",
                full.reportDir(WHEN).startsWith(repo.resolve("bench-results")));
        Main.Options out = Main.Options.parse(new String[] {"--repo", repo.toString(), "--out", "/x/y"});
        assertEquals(Path.of("/x/y"), out.reportDir(WHEN));
    }

    @Test
    public void publishWritesDocsOnlyForAFullRun() {
        Path repo = tmp.getRoot().toPath();
        Main.Options p = Main.Options.parse(new String[] {"--repo", repo.toString(), "--publish", "--repeat", "5"});
        assertEquals(repo.resolve("docs"), p.reportDir(WHEN));
        for (List<String> bad : List.of(List.of("--quick"), List.of("--workloads", "cmd100"),
                List.of("--systems", "engine"), List.of("--out", "/tmp/x"))) {
            String[] argv = new java.util.ArrayList<>(List.of("--publish")) {
                {
                    addAll(bad);
                }
            }.toArray(new String[0]);
            try {
                Main.Options.parse(argv);
                fail(String.join(" ", argv));
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("cannot be combined with " + bad.get(0)));
            }
        }
    }

    @Test
    public void aRefusedPublishExitsWithUsageAndWritesNothing() throws Exception {
        Path repo = tmp.getRoot().toPath();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"--repo", repo.toString(), "--publish", "--quick"}, new PrintStream(buf, true));
        assertEquals(2, rc);
        assertTrue(buf.toString(), buf.toString().contains("usage: bench.sh"));
        assertFalse(Files.exists(repo.resolve("docs")));
    }

    @Test
    public void renderWithoutPublishLeavesDocsAloneAndAQuickRunIsNeverPublished() throws Exception {
        Path repo = tmp.getRoot().toPath();
        Path src = tmp.newFolder("src").toPath();
        BenchResults s = ReportTest.sample();
        BenchResults.Meta q = s.meta();
        BenchResults quick = new BenchResults(new BenchResults.Meta(q.date(), true, q.note(), q.command(),
                q.hostKeyChecking(), q.machine(), q.versions(), q.systems(), q.repeat(), q.once()), s.workloads(),
                s.results());
        Main.write(quick, src);
        String json = src.resolve("benchmarks/results.json").toString();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"--repo", repo.toString(), "--render", json}, new PrintStream(buf)));
        assertFalse(Files.exists(repo.resolve("docs")));
        assertTrue(buf.toString(), buf.toString().contains(repo.resolve("bench-results").toString()));
        buf.reset();
        assertEquals(2, Main.run(new String[] {"--repo", repo.toString(), "--render", json, "--publish"},
                new PrintStream(buf)));
        assertTrue(buf.toString(), buf.toString().contains("holds a --quick run"));
        assertFalse(Files.exists(repo.resolve("docs")));
    }

    @Test
    public void theDefaultSystemsMeasureTodaysMitogenAndLeaveDebian12sOptIn() {
        assertEquals(List.of("stock", "mitogen", "engine"), Main.DEFAULT_SYSTEMS);
        Main.Options o = Main.Options.parse(new String[] {"--repo", "/r"});
        assertEquals(Path.of("/r/work/bench"), o.cacheDir());
    }
}
