package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.ansiblemitogen.testkit.Procs;

public class WorkloadTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void catalogueHasTheIssuesWorkloadsAtFullSize() {
        Map<String, Workload> c = Workload.catalogue(false);
        assertEquals(100, c.get("cmd100").tasks());
        assertEquals(10, c.get("cmd100-rtt20").delayMillis());
        assertEquals(20, c.get("copy-template").copies());
        assertEquals(20, c.get("copy-template").templates());
        assertEquals(100, c.get("hosts100").hosts());
        assertEquals(20, c.get("hosts100").forks());
        assertEquals(5, c.get("hosts100").tasks());
        assertEquals(300, c.get("hosts300").hosts());
        assertEquals(30, c.get("stage30").hosts());
        assertTrue(c.get("stage30-warm").warm());
        assertTrue(c.get("cmd100-warm").warm());
        assertEquals(100, c.get("cmd100-warm").tasks());
        assertEquals(200L << 20, c.get("copy200m").fileBytes());
        assertTrue(Workload.catalogue(true).get("cmd100").tasks() < 100);
        // issue 23's latency workloads: the proxy's delay is one-way, half the round trip
        assertEquals(100, c.get("cmd100-rtt100").rttMillis());
        assertEquals(100, c.get("cmd100-rtt100").tasks());
        assertEquals(20, c.get("hosts20-rtt30").hosts());
        assertEquals(20, c.get("hosts20-rtt30").forks());
        assertEquals(20, c.get("hosts20-rtt30").tasks());
        assertEquals(30, c.get("hosts20-rtt30").rttMillis());
        assertEquals(40, c.get("copy-template-rtt100").tasksPerHost());
        assertEquals(100, c.get("copy-template-rtt100").rttMillis());
        assertEquals(Workload.Kind.LOOP, c.get("loop100").kind());
        assertEquals(100, c.get("loop100").tasksPerHost());
        assertEquals(0, c.get("loop100").rttMillis());
        assertEquals(100, c.get("loop100-rtt100").rttMillis());
    }

    @Test
    public void loopsRunSeveralTimesWhateverRepeatSaysSoTheirSpreadIsReported() {
        Map<String, Workload> c = Workload.catalogue(false);
        assertEquals(Workload.LOOP_RUNS, c.get("loop100").runs(1));
        assertEquals(7, c.get("loop100").runs(7));
        assertEquals(1, c.get("cmd100").runs(1));
        BenchRunner r = new BenchRunner(null, tmp.getRoot().toPath(), java.time.Duration.ofSeconds(1), System.out, 2,
                List.of("loop100-rtt100"));
        assertEquals(Workload.LOOP_RUNS, r.runsFor(c.get("loop100")));
        assertEquals("--once wins", 1, r.runsFor(c.get("loop100-rtt100")));
        assertEquals(2, r.runsFor(c.get("cmd100")));
    }

    @Test
    public void aLoopWorkloadIsOneTaskWithALoopOfItsItems() throws Exception {
        Path pb = PlaybookWriter.write(Workload.catalogue(false).get("loop100"), tmp.newFolder("loop").toPath(),
                tmp.getRoot().toPath());
        String y = Files.readString(pb);
        assertEquals(y, 1, y.split("- command: hostname", -1).length - 1);
        assertTrue(y, y.contains("loop: \"{{ range(100) | list }}\""));
    }

    @Test
    public void selectionKeepsCatalogueOrderAndRejectsUnknownNames() {
        Map<String, Workload> c = Workload.catalogue(true);
        assertEquals(List.of("floor", "cmd100"),
                Workload.select(c, List.of("cmd100", "floor")).stream().map(Workload::name).toList());
        assertEquals(c.size(), Workload.select(c, List.of()).size());
        try {
            Workload.select(c, List.of("nope"));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("cmd100"));
        }
    }

    @Test
    public void generatedPlaybooksPassAnsibleSyntaxCheck() throws Exception {
        Path dest = tmp.newFolder("dest").toPath();
        // one ansible-playbook checks them all: it takes several playbooks
        List<String> cmd = new java.util.ArrayList<>(List.of("ansible-playbook", "--syntax-check", "-i", "localhost,"));
        for (Workload w : Workload.catalogue(true).values()) {
            Workload small = w.fileBytes() > 0 ? new Workload(w.name(), w.description(), w.kind(), w.hosts(), w.forks(),
                    w.tasks(), w.copies(), w.templates(), 12345, w.delayMillis(), w.warm()) : w;
            Path dir = tmp.getRoot().toPath().resolve(w.name());
            cmd.add(PlaybookWriter.write(small, dir, dest).toString());
            if (w.fileBytes() > 0) {
                assertEquals(12345, Files.size(PlaybookWriter.bigFile(dir)));
            }
        }
        Procs.Output o = Procs.run(cmd, null, 120);
        assertEquals(o.stdout() + o.stderr(), 0, o.exitCode());
        assertEquals(o.stdout(), Workload.catalogue(true).size(), o.stdout().split("playbook: ", -1).length - 1);
    }

    @Test
    public void optionsParseAndRejectNonsense() {
        Main.Options o = Main.Options.parse(new String[] {"--quick", "--workloads", "cmd100, floor", "--systems",
                "stock", "--engine-env", "A=b=c", "--timeout", "30"});
        assertTrue(o.quick);
        assertEquals(List.of("cmd100", "floor"), o.workloads);
        assertEquals(List.of("stock"), o.systems);
        assertEquals("b=c", o.engineEnv.get("A"));
        assertEquals(30, o.timeout.toSeconds());
        for (String[] bad : List.of(new String[] {"--bogus"}, new String[] {"--workloads"},
                new String[] {"--engine-env", "novalue"})) {
            try {
                Main.Options.parse(bad);
                fail(String.join(" ", bad));
            } catch (IllegalArgumentException expected) {
                // reported with the usage text
            }
        }
    }

    @Test
    public void engineTemplatesExpandAndAMissingCliIsReportedNotRun() {
        EngineSystem e = new EngineSystem(Path.of("/nonexistent-repo"), null, null, null, null, Map.of());
        assertTrue(e.unavailable().orElseThrow().startsWith("engine: not available"));
        assertEquals(List.of("/nonexistent-repo/bin/ansible-mitogen", "playbook"), e.command(false, Path.of("/s")));
        EngineSystem t = new EngineSystem(Path.of("/r"), "/bin/true x", "/bin/true --socket {state}/sock", null, null,
                Map.of());
        assertTrue(t.unavailable().isEmpty());
        assertEquals(List.of("/bin/true", "--socket", "/st/sock"), t.command(true, Path.of("/st")));
        assertEquals("1", e.env(false, Path.of("/st")).get("ANSIBLE_MITOGEN_EMBEDDED"));
        assertEquals("/st/sock/engine.sock", e.env(true, Path.of("/st")).get("ANSIBLE_MITOGEN_SOCKET"));
    }
}
