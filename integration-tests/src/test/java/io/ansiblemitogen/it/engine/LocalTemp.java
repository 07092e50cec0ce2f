package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.Procs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ansible's controller temp dir (ANSIBLE_LOCAL_TEMP) private to one test class: other suites on the machine clean
 * ~/.ansible/tmp while runs are still using it. Made at first use, deleted by {@link #close()}.
 */
public final class LocalTemp implements AutoCloseable {
    private Path dir;

    /** {@code m} with its runs' controller temp dir set to this one. */
    public synchronized Mode with(Mode m) throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("amhops-ansible-local-");
        }
        return m.withEnv("ANSIBLE_LOCAL_TEMP", dir.toString());
    }

    @Override
    public synchronized void close() {
        if (dir != null) {
            Procs.deleteTree(dir);
            dir = null;
        }
    }
}
