package io.ansiblemitogen.it.corpus;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.it.engine.PayloadWatch;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The engine side of a differential suite: one playbook through each engine mode (the strategy accelerator and
 * connection plugins only), each run compared field by field with the stock run, and shown to have gone through
 * the engine: the engine served at least one target request per task result, and no module was unpacked into a
 * watched target TMPDIR (whatever strategy the playbook's plays name).
 */
public final class EngineAgreement {
    /** Actions that never reach a target, whatever runs them. */
    private static final Set<String> CONTROLLER_ONLY = Set.of("debug", "set_fact", "assert", "fail", "meta",
            "include_tasks", "import_tasks", "include_role", "import_role", "include_vars", "add_host", "group_by",
            "pause", "set_stats", "ansible.builtin.debug", "ansible.builtin.set_fact", "ansible.builtin.assert",
            "ansible.builtin.fail");

    private final EmbeddedEngine engine;
    private final List<Mode> modes;
    private final PayloadWatch watch;
    private final ResultNormaliser normaliser;
    private final String line;
    private Duration engineTime = Duration.ZERO;
    private long resets;
    private java.util.function.Predicate<Path> everyMode = p -> true;

    /** {@code line} names the ansible-core line in messages ("2.19"). */
    public EngineAgreement(EmbeddedEngine engine, List<Mode> modes, PayloadWatch watch, ResultNormaliser normaliser,
            String line) {
        this.engine = engine;
        this.modes = List.copyOf(modes);
        this.watch = watch;
        this.normaliser = normaliser;
        this.line = line;
    }

    /**
     * Runs the modes after the first only for the playbooks {@code which} accepts (CI's time budget: a line that
     * runs every playbook in the first mode and the routing-relevant ones in all).
     */
    public EngineAgreement everyModeOnlyFor(java.util.function.Predicate<Path> which) {
        this.everyMode = which;
        return this;
    }

    /** Runs {@code playbook} with {@code run} in every mode; fails on the first mode that disagrees. */
    public void check(Path playbook, RunResult stock, Function<Mode, RunResult> run) {
        String name = playbook.getFileName().toString();
        long resetsPerRun = resetsIn(playbook);
        for (Mode mode : everyMode.test(playbook) ? modes : modes.subList(0, 1)) {
            resets += resetsPerRun;
            watch.takePayloads();
            long before = EngineMode.targetRequests(engine);
            RunResult ours = run.apply(mode);
            long served = EngineMode.targetRequests(engine) - before;
            List<String> payloads = watch.takePayloads();
            engineTime = engineTime.plus(ours.duration());
            Corpus.assertSane(playbook, ours);
            String report = new ResultComparator(normaliser, "stock", mode.name()).report(stock, ours);
            assertEquals(name + ": stock and " + mode + " differ on ansible-core " + line + "\n" + report
                    + "\n" + mode + " run:\n" + ours.describe(), "", report);
            long results = ours.tasks().stream()
                    .filter(t -> !"skipped".equals(t.status()) && !CONTROLLER_ONLY.contains(t.action())).count();
            assertTrue(name + " (" + mode + "): the engine served " + served + " target requests for " + results
                    + " task results: tasks bypassed the engine\n" + ours.describe(), served >= results);
            assertEquals(name + " (" + mode + "): modules ran from files unpacked on a target", List.of(), payloads);
        }
    }

    /**
     * Connections the engine may have opened to {@code targets} targets: one each for the whole suite, plus one each
     * after every reset() an engine run made (stock closes its ControlMaster there too, and wait_for_connection
     * calls reset() before its ping).
     */
    public long allowedConnections(int targets) {
        return targets * (1L + resets);
    }

    /** How many times a playbook makes the connection plugin reset (wait_for_connection, meta: reset_connection). */
    private static long resetsIn(Path playbook) {
        try {
            String text = Files.readString(playbook);
            return Pattern.compile("wait_for_connection:|reset_connection").matcher(text).results().count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ansible-playbook wall time of every engine run so far. */
    public Duration engineTime() {
        return engineTime;
    }
}
