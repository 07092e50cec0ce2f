package io.ansiblemitogen.it.ssh;

import io.ansiblemitogen.it.corpus.Corpus;
import io.ansiblemitogen.it.corpus.StockVsEngineTest;
import io.ansiblemitogen.testkit.Inventory;
import org.junit.runners.Parameterized.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The corpus under the ssh_args line real ansible.cfg files carry (issue 18, item 1): ControlMaster and
 * ControlPersist, ForwardAgent, the +ssh-rsa and +sha1 key exchange lines for old servers, PermitLocalCommand,
 * keepalives. Every such line once stopped every host before its first task; now every result must be stock's.
 */
public class CommonSshArgsVsStockTest extends StockVsEngineTest {
    static final String COMMON_SSH_ARGS = "-C -o ControlMaster=auto -o ControlPersist=60s -o ForwardAgent=yes"
            + " -o HostKeyAlgorithms=+ssh-rsa -o KexAlgorithms=+diffie-hellman-group14-sha1"
            + " -o PubkeyAcceptedKeyTypes=+ssh-rsa -o PermitLocalCommand=yes -o ServerAliveInterval=30"
            + " -o GSSAPIAuthentication=no -o IPQoS=throughput";

    /**
     * The playbooks that use the connection in every way it is used (commands, raw, scripts, file transfers both
     * ways, a reconnect, facts), not the whole corpus again: the ssh_args change the connection only, and the
     * whole corpus runs without them in StockVsEngineTest. {@code -Dcorpus.only} still narrows or widens it.
     */
    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        return Corpus.parameters(Set.of("ping", "command", "raw", "shell", "script", "copy_file", "copy_large",
                "fetch", "template", "facts", "wait_for_connection", "file"));
    }

    public CommonSshArgsVsStockTest(String name, Path playbook) {
        super(name, playbook);
    }

    @Override
    protected Inventory inventory() {
        return super.inventory().hostVar("target", "ansible_ssh_args", COMMON_SSH_ARGS);
    }
}
