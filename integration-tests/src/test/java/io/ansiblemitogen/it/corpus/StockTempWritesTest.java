package io.ansiblemitogen.it.corpus;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.ClassRule;
import org.junit.Test;

import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.testkit.TempDirWatch;

/**
 * Shows the watcher behind "nothing is written on the target to run a Python module" sees what stock Ansible
 * writes: AnsiballZ unpacks every module into TMPDIR, even with pipelining. The engine test asserts the opposite.
 */
public class StockTempWritesTest {
    @ClassRule
    public static final SshdFixture SSHD = SshdFixture.builder().privateTmp(true).build();

    @Test
    public void stockUnpacksModulesIntoTheTargetsTempDir() {
        try (CorpusRunner runner = new CorpusRunner(); TempDirWatch watch = TempDirWatch.start(SSHD.targetTmp())) {
            Path playbook = Corpus.dir().resolve("ping.yml");
            RunResult r = runner.run(playbook, Corpus.inventory(SSHD, "target"), Mode.STOCK);
            Corpus.assertSane(playbook, r);
            List<Path> written = watch.settle().created(TempDirWatch.ANSIBLE_TEMP_NAMES);
            assertFalse(watch.overflowed());
            assertTrue("stock should unpack ping into " + SSHD.targetTmp() + ", saw " + watch.created(),
                    written.stream().anyMatch(p -> p.getFileName().toString().startsWith("ansible_ping_payload_")));
        }
    }
}
