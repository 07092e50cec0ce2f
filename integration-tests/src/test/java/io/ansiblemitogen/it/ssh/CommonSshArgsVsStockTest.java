package io.ansiblemitogen.it.ssh;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.corpus.Corpus;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;

/**
 * The corpus under the ssh_args line real ansible.cfg files carry (issue 18, item 1): ControlMaster and
 * ControlPersist, ForwardAgent, the +ssh-rsa and +sha1 key exchange lines for old servers, PermitLocalCommand,
 * keepalives. Every such line once stopped every host before its first task; now every result must be stock's.
 */
@RunWith(Parameterized.class)
public class CommonSshArgsVsStockTest {
    static final String COMMON_SSH_ARGS = "-C -o ControlMaster=auto -o ControlPersist=60s -o ForwardAgent=yes"
            + " -o HostKeyAlgorithms=+ssh-rsa -o KexAlgorithms=+diffie-hellman-group14-sha1"
            + " -o PubkeyAcceptedKeyTypes=+ssh-rsa -o PermitLocalCommand=yes -o ServerAliveInterval=30"
            + " -o GSSAPIAuthentication=no -o IPQoS=throughput";

    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static CorpusRunner runner;
    private static EmbeddedEngine engine;
    private static Mode engineMode;

    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        return Corpus.parameters();
    }

    private final Path playbook;

    public CommonSshArgsVsStockTest(String name, Path playbook) {
        this.playbook = playbook;
    }

    @BeforeClass
    public static void start() throws Exception {
        runner = new CorpusRunner();
        engine = new EmbeddedEngine();
        engineMode = EngineMode.of(engine);
    }

    @AfterClass
    public static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    public void engineAgreesWithStock() {
        Inventory inventory = Corpus.inventory(SSHD, "target").hostVar("target", "ansible_ssh_args", COMMON_SSH_ARGS);
        RunResult stock = runner.run(playbook, inventory, Mode.STOCK);
        Corpus.assertSane(playbook, stock);
        RunResult ours = runner.run(playbook, inventory, engineMode);
        Corpus.assertSane(playbook, ours);
        // The forwarded agent's socket on the target is a fresh random path per connection, in every run
        ResultNormaliser n = ResultNormaliser.standard()
                .withStringRule("/tmp/ssh-[A-Za-z0-9]+/agent\\.[0-9]+", "/tmp/ssh-XXXX/agent.N");
        String report = new ResultComparator(n, "stock", "engine").report(stock, ours);
        assertEquals(playbook.getFileName() + ": stock and engine differ\n" + report + "\nengine run:\n"
                + ours.describe(), "", report);
    }
}
