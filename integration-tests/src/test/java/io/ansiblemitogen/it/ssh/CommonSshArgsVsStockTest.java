package io.ansiblemitogen.it.ssh;

import io.ansiblemitogen.it.corpus.StockVsEngineTest;
import io.ansiblemitogen.testkit.Inventory;

import java.nio.file.Path;

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

    public CommonSshArgsVsStockTest(String name, Path playbook) {
        super(name, playbook);
    }

    @Override
    protected Inventory inventory() {
        return super.inventory().hostVar("target", "ansible_ssh_args", COMMON_SSH_ARGS);
    }
}
