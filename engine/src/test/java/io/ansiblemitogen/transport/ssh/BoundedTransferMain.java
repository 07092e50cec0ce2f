package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.TargetSpec;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Runs put_file then fetch_file of one file over SSH in its own JVM, started by {@link LargeFileTransferTest} with
 * a heap far smaller than the file: a whole-file buffer anywhere on the engine side fails with OutOfMemoryError.
 * Args: host port user key knownHosts sshArgs src remotePath back.
 */
public final class BoundedTransferMain {
    private BoundedTransferMain() {
    }

    public static void main(String[] a) throws Exception {
        TargetSpec t = new TargetSpec("ssh", "big", a[0], Integer.valueOf(a[1]), a[2], null, a[3], null, a[5],
                "-o UserKnownHostsFile=" + a[4] + " -o StrictHostKeyChecking=yes", null, 10, true, "python3", null);
        try (SshTransportFactory f = new SshTransportFactory(); Engine e = new Engine(f)) {
            e.execCommand(t, null, "true", null, null); // connect and start the interpreter first
            long t0 = System.nanoTime();
            e.putFile(t, null, Path.of(a[6]), a[7], "0600");
            long t1 = System.nanoTime();
            e.fetchFile(t, null, a[7], Path.of(a[8]));
            long t2 = System.nanoTime();
            long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
            System.out.printf("put_ms=%d fetch_ms=%d heap_max_mb=%d%n", (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, max >> 20);
        }
    }
}
