package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.ansiblemitogen.testkit.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class BenchSshdTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void realSshLogsInWithTheSharedClientKeyAndPinnedHostKey() throws Exception {
        Path work = tmp.getRoot().toPath();
        Path key = work.resolve("client_ed25519");
        try (BenchSshd a = new BenchSshd(work, key); BenchSshd b = new BenchSshd(work, key)) {
            assertTrue("the first daemon generated the client key", Files.exists(key));
            for (BenchSshd s : List.of(a, b)) {
                Path known = work.resolve("known_hosts_" + s.port());
                Files.writeString(known, "[127.0.0.1]:" + s.port() + " " + Files.readString(s.hostKeyPub()));
                Procs.Output o = Procs.run(List.of("ssh", "-i", key.toString(), "-p", String.valueOf(s.port()),
                        "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + known,
                        "root@127.0.0.1", "echo in"), null, 30);
                assertEquals(o.stderr(), "in\n", o.stdout());
            }
        }
    }
}
