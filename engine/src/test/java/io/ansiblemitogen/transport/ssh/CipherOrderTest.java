package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class CipherOrderTest {
    private static List<String> names(List<NamedFactory<Cipher>> l) {
        return l.stream().map(NamedFactory::getName).toList();
    }

    @Test
    public void gcmFirstUnderC2AndChaChaFirstUnderC1EveryCipherKept() {
        List<NamedFactory<Cipher>> available = SshClient.setUpDefaultClient().getCipherFactories();
        List<String> c2 = names(CipherOrder.sort(available, true));
        List<String> c1 = names(CipherOrder.sort(available, false));
        assertEquals("aes128-gcm@openssh.com", c2.get(0));
        assertEquals("chacha20-poly1305@openssh.com", c1.get(0));
        assertEquals(available.size(), c2.size());
        assertEquals(available.size(), c1.size());
        assertTrue(c1.containsAll(names(available)));
    }

    @Test
    public void theTestJvmHasTheOptimisingCompiler() {
        // Surefire starts its JVM without -XX:TieredStopAtLevel; bin/ansible-mitogen's one-run JVM sets it to 1.
        assertTrue(CipherOrder.optimisingJit());
    }
}
