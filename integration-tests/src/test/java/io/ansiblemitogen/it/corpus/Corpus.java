package io.ansiblemitogen.it.corpus;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.testkit.TaskResult;
import io.ansiblemitogen.testkit.TestAccounts;

/**
 * The differential corpus (src/test/resources/corpus) and what a correct run of each playbook looks like,
 * whatever runs it: two runs that agree with each other could still both be wrong (a module not found fails
 * identically twice), so every run is also checked against these expectations.
 */
public final class Corpus {
    /** Playbooks that end with a non-zero exit code on purpose. */
    private static final Map<String, Integer> EXIT_CODES = Map.of("failing_module.yml", 2);

    /** Tasks that fail on purpose without ignore_errors (rescued, or the deliberate end of a playbook). */
    private static final Map<String, Set<String>> UNIGNORED_FAILURES = Map.of(
            "block_rescue.yml", Set.of("fails"),
            "failing_module.yml", Set.of("not ignored"));

    /**
     * The account corpus runs log in as. Not root: this machine's /root/.bashrc runs pyenv's init for every ssh
     * command (bash sources ~/.bashrc when started by sshd), which is slow and now and then writes
     * "rm: cannot remove ..." to stderr when two sessions race; a fresh account has Debian's quiet defaults.
     */
    public static final String USER = "tkcorpus";

    private Corpus() {
    }

    /** The fixture as inventory hosts logging in as {@link #USER} (created if missing). */
    public static Inventory inventory(SshdFixture sshd, String... aliases) {
        TestAccounts.ensureUser(USER, null);
        return Inventory.forFixtureAs(sshd, USER, aliases);
    }

    /** The corpus directory in the source tree (the module's basedir when run by Maven). */
    public static Path dir() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path d = base.resolve("src/test/resources/corpus");
        if (!Files.isDirectory(d)) {
            throw new IllegalStateException("corpus not found at " + d.toAbsolutePath());
        }
        return d;
    }

    public static List<Path> playbooks() {
        return CorpusRunner.playbooks(dir());
    }

    /** JUnit Parameterized data: {name, path} per playbook. */
    public static List<Object[]> parameters() {
        return parameters(Set.of());
    }

    /**
     * The playbooks named in {@code -Dcorpus.only=raw,script} (to narrow a run while working on them), else those in
     * {@code defaults}, else all.
     */
    public static List<Object[]> parameters(Set<String> defaults) {
        String only = System.getProperty("corpus.only", "");
        Set<String> wanted = only.isBlank() ? defaults : Set.of(only.split(","));
        return playbooks().stream()
                .filter(p -> wanted.isEmpty() || wanted.contains(p.getFileName().toString().replaceFirst("\\.yml$", "")))
                .map(p -> new Object[] {p.getFileName().toString(), p})
                .collect(Collectors.toList());
    }

    /** Fails unless the run ended as this playbook should: exit code, no unexpected failure, a recap. */
    public static void assertSane(Path playbook, RunResult r) {
        String name = playbook.getFileName().toString();
        assertFalse(name + " timed out\n" + r.describe(), r.timedOut());
        assertEquals(name + " exit code\n" + r.describe(), (int) EXIT_CODES.getOrDefault(name, 0), r.exitCode());
        assertFalse(name + ": no task results\n" + r.describe(), r.tasks().isEmpty());
        assertFalse(name + ": no recap\n" + r.describe(), r.recap().isEmpty());
        Set<String> allowed = UNIGNORED_FAILURES.getOrDefault(name, Set.of());
        for (TaskResult t : r.tasks()) {
            assertFalse(name + ": " + t + "\n" + t.result(), "unreachable".equals(t.status()));
            if ("failed".equals(t.status()) && !t.ignoreErrors()) {
                assertTrue(name + ": unexpected failure of " + t + "\n" + t.result(), allowed.contains(t.task()));
            }
        }
        for (String task : allowed) {
            assertTrue(name + ": task '" + task + "' should have failed\n" + r.describe(),
                    r.task(task).stream().allMatch(t -> "failed".equals(t.status())));
        }
    }
}
