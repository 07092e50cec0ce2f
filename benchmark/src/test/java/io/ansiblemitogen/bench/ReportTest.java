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

    static RunResult ok(String w, String s, double wall, double cpu, long out, long in, long conns, int hosts) {
        return new RunResult(w, s, "ok", null, wall, cpu, out, in, conns, hosts, 0, 0, 0, 0, 0, 0);
    }

    static BenchResults sample() {
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
                        0, 2, 0, 0, 0),
                ok("stage30", "mitogen", 20.0, 10.0, 16_000_000, 100_000, 30, 30),
                ok("stage30-warm", "engine", 5.0, 2.0, 30_000, 20_000, 0, 30),
                new RunResult("copy200m", "engine", "ok", null, 6.0, 3, size + 1000, 5000, 1, 1, 0, 0, 0, size, 4.0, 0),
                new RunResult("copy200m", "scp", "ok", "reference", 3.0, 2, size + 900, 4000, 1, 1, 0, 0, 0, size, 3.0, 0),
                RunResult.skipped("copy200m", "mitogen", "not installed | here"));
        BenchResults.Meta meta = new BenchResults.Meta("2026-11-27 09:00 UTC", false, "Partial run: stock and Mitogen only.",
                "bench.sh --workloads cmd100 --note 'Partial run: stock and Mitogen only.'", true, Map.of("CPU", "test CPU"), Map.of("ansible-core", "2.14.18"),
                Map.of("stock", "stock label", "mitogen", "Mitogen 0.3.54 (Debian sid's), strategy mitogen_linear",
                        "engine", "engine label"), 1, null);
        return new BenchResults(meta, infos, r);
    }

    @Test
    public void summaryHasEverySystemAndTheRatios() {
        String md = Report.render(sample(), List.of("wall.png"));
        assertTrue(md, md.contains("| workload | RTT | stock Ansible | Mitogen 0.3.54 | engine | engine / stock Ansible "
                + "| engine / Mitogen 0.3.54 |\n|---|---:|---:|---:|---:|---:|---:|\n"));
        assertTrue(md, md.contains("| cmd100 | 0 ms | 94.4 | 21.3 | 11.0 | 0.12x | 0.52x |"));
        assertTrue(md, md.contains("| floor | 0 ms | 10.0 | 10.5 |  | - | - |"));
        assertTrue(md, md.contains("| hosts300 | 0 ms |  |  | 120.0 (failed) | - | - |"));
        assertTrue(md, md.startsWith("# Benchmarks: stock Ansible, Mitogen 0.3.54 and this engine\n"));
        assertTrue(md, md.contains("## What to expect with remote targets"));
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
        assertTrue(md, md.contains("| Mitogen 0.3.54 | skipped | - | - | - | - | - | - | - |"));
        assertTrue("a | in a note must not break the table", md.contains("- Mitogen 0.3.54: not installed \\| here"));
        assertTrue(md, md.contains("- engine: exit 2, 298/300 hosts ok"));
        assertFalse("no charts section without charts", md.contains("## Charts"));
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
    public void mitogensVersionComesFromTheRunsOwnLabelSoOldResultsStillSay033() {
        BenchResults s = sample();
        BenchResults.Meta m = s.meta();
        BenchResults old = new BenchResults(new BenchResults.Meta(m.date(), false, null, m.command(), true,
                m.machine(), m.versions(), Map.of("stock", "x", "mitogen",
                        "Mitogen 0.3.3 (Debian ansible-mitogen), strategy mitogen_linear", "engine", "y"), 1, null),
                s.workloads(), s.results());
        assertEquals("Mitogen 0.3.3", Report.name(old, "mitogen"));
        assertEquals("Mitogen 0.3.54", Report.name(s, "mitogen"));
        assertEquals("Mitogen 0.3.3", Report.name(s, "mitogen033"));
        String md = Report.render(old, List.of());
        assertTrue(md, md.contains("| engine / Mitogen 0.3.3 |") && !md.contains("Mitogen 0.3.54"));
    }

    @Test
    public void delayedWorkloadsGetTheirTimeSplitAndLoopsTheirSpread() {
        Map<String, Workload> cat = Workload.catalogue(false);
        BenchResults s = sample();
        List<BenchResults.WorkloadInfo> infos = List.of(BenchResults.WorkloadInfo.of(cat.get("loop100-rtt100"), 5));
        RunResult five = Repeats.representative(List.of(
                new RunResult("loop100-rtt100", "engine", "ok", null, 4.0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 100),
                new RunResult("loop100-rtt100", "engine", "ok", null, 2.0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 100),
                new RunResult("loop100-rtt100", "engine", "ok", null, 8.0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 100)));
        String md = Report.render(new BenchResults(s.meta(), infos, List.of(five)), List.of());
        assertTrue(md, md.contains("## Where the time goes per task (delayed links)"));
        assertTrue(md, md.contains("| loop100-rtt100 | 100 ms | engine | 40 | 1.0 | 100 | -60 | - |"));
        assertTrue(md, md.contains("- engine: median of 3 runs by wall time; spread 2.00 to 8.00 s (slowest 4.00x the "
                + "fastest)"));
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
        for (String png : List.of("speedup.png", "wall.png", "cpu.png", "bytes.png", "connections.png")) {
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

}
