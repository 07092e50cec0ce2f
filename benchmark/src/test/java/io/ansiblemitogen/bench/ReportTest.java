package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.fasterxml.jackson.databind.ObjectMapper;

public class ReportTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static RunResult ok(String w, String s, double wall, double cpu, long out, long in, long conns, int hosts) {
        return new RunResult(w, s, "ok", null, wall, cpu, out, in, conns, hosts, 0, 0, 0, 0, 0);
    }

    private static BenchResults sample() {
        Map<String, Workload> cat = Workload.catalogue(false);
        List<BenchResults.WorkloadInfo> infos = new ArrayList<>();
        for (String n : List.of("floor", "cmd100", "hosts100", "hosts300", "stage30", "stage30-warm", "copy200m")) {
            infos.add(BenchResults.WorkloadInfo.of(cat.get(n)));
        }
        long size = 200L << 20;
        List<RunResult> r = List.of(
                ok("floor", "stock", 10.0, 8.0, 0, 0, 0, 1),
                ok("floor", "mitogen", 10.5, 8.5, 0, 0, 0, 1),
                ok("cmd100", "stock", 94.4, 40.0, 9_600_000, 60_000, 1, 1),
                ok("cmd100", "mitogen", 21.3, 15.0, 553_000, 20_000, 1, 1),
                ok("cmd100", "engine", 11.0, 9.0, 50_000, 10_000, 1, 1),
                ok("hosts100", "mitogen", 50.0, 30.0, 1_000_000, 100_000, 100, 100),
                ok("hosts100", "engine", 60.0, 20.0, 900_000, 90_000, 100, 100),
                new RunResult("hosts300", "engine", "failed", "exit 2, 298/300 hosts ok", 120, 50, 1, 1, 300, 298, 2,
                        0, 2, 0, 0),
                ok("stage30", "mitogen", 20.0, 10.0, 16_000_000, 100_000, 30, 30),
                ok("stage30-warm", "engine", 5.0, 2.0, 30_000, 20_000, 0, 30),
                new RunResult("copy200m", "engine", "ok", null, 6.0, 3, size + 1000, 5000, 1, 1, 0, 0, 0, size, 4.0),
                new RunResult("copy200m", "scp", "ok", "reference", 3.0, 2, size + 900, 4000, 1, 1, 0, 0, 0, size, 3.0),
                RunResult.skipped("copy200m", "mitogen", "not installed | here"));
        BenchResults.Meta meta = new BenchResults.Meta("2026-11-27 09:00 UTC", false, "Partial run: stock and Mitogen only.",
                "bench.sh --workloads cmd100 --note 'Partial run: stock and Mitogen only.'", true, Map.of("CPU", "test CPU"), Map.of("ansible-core", "2.14.18"),
                Map.of("stock", "stock label", "mitogen", "mitogen label", "engine", "engine label"), 1, null);
        return new BenchResults(meta, infos, r);
    }

    @Test
    public void summaryHasEverySystemAndTheRatios() {
        String md = Report.render(sample(), List.of("wall.png"));
        assertTrue(md, md.contains("| cmd100 | 94.4 | 21.3 | 11.0 | 0.12x | 0.52x |"));
        assertTrue(md, md.contains("| floor | 10.0 | 10.5 |  | - | - |"));
        assertTrue(md, md.contains("| hosts300 |  |  | 120.0 (failed) | - | - |"));
        assertTrue(md, md.contains("> Partial run: stock and Mitogen only."));
        assertTrue("the note is quoted once, not repeated in the command", md.contains("`bench.sh --workloads cmd100 --note ...`"));
        assertTrue(md, md.contains("![wall.png](benchmarks/wall.png)"));
        assertTrue(md, md.contains("| ansible-core | 2.14.18 |"));
        assertFalse("not a quick run", md.contains("Quick mode"));
    }

    @Test
    public void workloadTablesShowBytesConnectionsThroughputAndNotes() {
        String md = Report.render(sample(), List.of());
        assertTrue(md, md.contains("| stock Ansible | ok | 94.4 | 40.0 | 9.60 MB | 60.0 KB | 1 | 1/1 |"));
        assertTrue(md, md.contains("engine / stock Ansible: wall 0.12x, CPU 0.23x, bytes 0.01x."));
        // throughput column only on the copy workload; scp is listed as the reference
        assertTrue(md, md.contains("| scp (reference) | ok | 3.0 | 2.0 | 209.72 MB | 4.0 KB | 1 | 1/1 | 69.9 |"));
        // the engine's throughput is over its copy task (4 s), not its whole play (6 s)
        assertTrue(md, md.contains("| engine | ok | 6.0 | 3.0 | 209.72 MB | 5.0 KB | 1 | 1/1 | 52.4 |"));
        assertTrue(md, md.contains("| Mitogen 0.3.3 | skipped | - | - | - | - | - | - | - |"));
        assertTrue("a | in a note must not break the table", md.contains("- Mitogen 0.3.3: not installed \\| here"));
        assertTrue(md, md.contains("- engine: exit 2, 298/300 hosts ok"));
        assertFalse("no charts section without charts", md.contains("## Charts"));
    }

    @Test
    public void goalsAreMarkedMetMissedOrNotMeasured() {
        Map<String, Goals.Goal> g = new java.util.HashMap<>();
        for (Goals.Goal goal : Goals.evaluate(sample())) {
            g.put(goal.goal().substring(0, 20), goal);
        }
        assertEquals(8 + 1, Goals.evaluate(sample()).size());
        Goals.Goal mitogenRatio = find("at most 0.6x Mitogen");
        assertEquals(Goals.MET, mitogenRatio.status());
        assertEquals("0.52x (11.0 s vs 21.3 s)", mitogenRatio.figure());
        assertEquals(Goals.MET, find("within 1.2x of Ansible's floor").status()); // 11.0 / 10.0
        assertEquals(Goals.MET, find("Warm stage").status()); // 5 / 20 = 0.25
        assertEquals(Goals.MISSED, find("faster than Mitogen").status()); // 60 vs 50
        Goals.Goal hosts300 = find("300 hosts");
        assertEquals(Goals.MISSED, hosts300.status());
        assertEquals("298 ok, 2 failed, 0 unreachable", hosts300.figure());
        assertEquals(Goals.MET, find("Bytes on the wire").status()); // cmd100 and hosts100 both lower
        assertEquals(Goals.MISSED, find("80% of scp").status()); // 4 s vs 3 s = 75%
        assertEquals(Goals.MET, find("Controller CPU").status());
    }

    @Test
    public void goalsWithoutEngineFiguresAreNotMeasured() {
        BenchResults b = sample();
        List<RunResult> noEngine = b.results().stream().filter(r -> !r.system().equals("engine")).toList();
        for (Goals.Goal g : Goals.evaluate(new BenchResults(b.meta(), b.workloads(), noEngine))) {
            assertEquals(g.goal(), Goals.NOT_MEASURED, g.status());
        }
    }

    @Test
    public void bytesUseDecimalUnits() {
        assertEquals("999 B", Report.bytes(999));
        assertEquals("1.8 KB", Report.bytes(1830));
        assertEquals("1.83 MB", Report.bytes(1_830_000));
        assertEquals("2.10 GB", Report.bytes(2_100_000_000L));
    }

    @Test
    public void writesJsonChartsAndReportThatReadBack() throws Exception {
        Path docs = tmp.getRoot().toPath();
        Main.write(sample(), docs);
        String md = Files.readString(docs.resolve("benchmarks.md"));
        assertTrue(md.contains("## Charts"));
        for (String png : List.of("wall.png", "cpu.png", "bytes.png", "connections.png")) {
            byte[] head = Files.readAllBytes(docs.resolve("benchmarks").resolve(png));
            assertTrue(png, head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
        }
        BenchResults back = new ObjectMapper().readValue(docs.resolve("benchmarks/results.json").toFile(),
                BenchResults.class);
        assertEquals(sample().results(), back.results());
        assertEquals(sample().meta(), back.meta());
    }

    @Test
    public void renderRewritesTheReportFromAResultsFile() throws Exception {
        Path first = tmp.newFolder("first").toPath();
        Main.write(sample(), first);
        Path second = tmp.newFolder("second").toPath();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int rc = Main.run(new String[] {"--render", first.resolve("benchmarks/results.json").toString(), "--out",
                second.toString()}, new java.io.PrintStream(buf, true));
        assertEquals(buf.toString(), 0, rc);
        assertEquals(Files.readString(first.resolve("benchmarks.md")), Files.readString(second.resolve("benchmarks.md")));
        assertTrue(Files.exists(second.resolve("benchmarks/wall.png")));
    }

    @Test
    public void shownCommandLeavesOutTheRepoThatBenchShAdds() {
        assertEquals("benchmark/bench.sh --workloads cmd100 --note 'a b'",
                Main.shownCommand(new String[] {"--repo", "/x", "--workloads", "cmd100", "--note", "a b"}));
    }

    private static Goals.Goal find(String part) {
        return Goals.evaluate(sample()).stream().filter(g -> g.goal().contains(part)).findFirst().orElseThrow();
    }
}
