package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.testkit.TempDirWatch;
import org.junit.ClassRule;
import org.junit.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Python modules run through the engine write nothing on the target to run: an inotify watch on the target's temp
 * directories sees stock Ansible (pipelining on) unpack its AnsiballZ payloads there, and sees nothing of the kind
 * for the same playbook through the engine. The target's TMPDIR (set by sshd) and remote_tmp are private to this
 * test, so other ansible-playbook runs on the machine cannot blur the picture.
 */
public class NothingWrittenOnTargetTest {
    private static final Path TMPDIR = privateDir("amtd-");
    private static final Path REMOTE_TMP = privateDir("amrt-");

    @ClassRule
    public static final SshdFixture SSHD = SshdFixture.builder().config("SetEnv TMPDIR=" + TMPDIR).build();

    private static Path privateDir(String prefix) {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What Ansible writes on a target to run a module: AnsiballZ payload dirs, remote temp dirs. */
    private static final Pattern MODULE_FILES =
            Pattern.compile(".*/(ansible_[A-Za-z0-9_.]+_payload_[^/]*|ansible-tmp-[^/]*|ansible-moduletmp-[^/]*)$");

    @Test
    public void stockUnpacksPayloadsTheEngineDoesNot() throws Exception {
        Path playbook = Path.of(System.getProperty("basedir", "."), "src/test/resources/engine/python_modules_only.yml");
        Inventory inventory = Inventory.forFixture(SSHD, "target").hostVar("target", "ansible_remote_tmp",
                REMOTE_TMP.toString());
        try (CorpusRunner runner = new CorpusRunner(); EmbeddedEngine engine = new EmbeddedEngine()) {
            List<String> stock = created(() -> runner.run(playbook, inventory, Mode.STOCK));
            assertTrue("the watch must see stock's payload dirs, else it proves nothing: " + stock,
                    stock.stream().anyMatch(n -> n.contains("_payload_")));
            List<String> ours = created(() -> runner.run(playbook, inventory, EngineMode.of(engine)));
            assertEquals("files the engine's run created in the target's temp dirs", List.of(), ours);
        }
    }

    private interface Run {
        RunResult run() throws Exception;
    }

    /** Runs {@code run} under an inotify watch of the target's temp dirs; returns module-file names created. */
    private static List<String> created(Run run) throws Exception {
        try (TempDirWatch watch = TempDirWatch.start(TMPDIR, REMOTE_TMP)) {
            RunResult r = run.run();
            assertEquals("run failed:\n" + r.describe(), 0, r.exitCode());
            assertFalse(r.tasks().isEmpty());
            watch.settle();
            assertFalse("the watch lost events", watch.overflowed());
            return watch.created().stream().map(Path::toString).filter(n -> MODULE_FILES.matcher(n).matches())
                    .collect(Collectors.toList());
        }
    }
}
