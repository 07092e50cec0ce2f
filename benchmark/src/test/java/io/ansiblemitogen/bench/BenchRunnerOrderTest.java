package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Repeats of a workload take turns between the systems, so a drifting machine does not favour one of them. */
public class BenchRunnerOrderTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** A stand-in system: runs {@code command} (null: unavailable, and must never run). */
    private record FakeSystem(String id, List<String> command) implements BenchSystem {
        public String label() {
            return id;
        }

        public Optional<String> unavailable() {
            return command == null ? Optional.of("not installed") : Optional.empty();
        }

        public List<String> command(boolean warm, Path stateDir) {
            if (command == null) {
                throw new AssertionError("an unavailable system was run");
            }
            return command;
        }

        public Map<String, String> env(boolean warm, Path stateDir) {
            return Map.of();
        }
    }

    /** A system that only notes its turn and prints a one-host recap, as ansible-playbook would. */
    private static BenchSystem noting(String id, Path journal) {
        return new FakeSystem(id, List.of("sh", "-c", "echo " + id + " >> '" + journal + "'; "
                + "printf 'PLAY RECAP ***\\nh0 : ok=1 changed=0 unreachable=0 failed=0 skipped=0\\n'", "sh"));
    }

    @Test
    public void repeatsAlternateBetweenSystemsAndEachKeepsItsOwnMedian() throws Exception {
        Path work = tmp.getRoot().toPath();
        Path journal = work.resolve("journal");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Workload w = new Workload("order", "three turns", Workload.Kind.COMMAND, 1, 1, 1, 0, 0, 0, 0, false);
        try (Targets targets = new Targets(1, work, false)) {
            BenchRunner runner = new BenchRunner(targets, work, Duration.ofSeconds(60),
                    new PrintStream(log, true, StandardCharsets.UTF_8), 3, List.of());
            List<RunResult> results = runner.run(w, List.of(noting("a", journal), new FakeSystem("m", null), noting("b", journal)));

            assertEquals("a b a b a b", String.join(" ", Files.readAllLines(journal)));
            assertEquals(List.of("a", "m", "b"), results.stream().map(RunResult::system).toList());
            assertEquals("skipped", results.get(1).status());
            for (RunResult r : List.of(results.get(0), results.get(2))) {
                assertEquals(r.note(), "ok", r.status());
                assertTrue(r.note(), r.note().startsWith("median of 3 runs"));
            }
        }
    }
}
