package io.jenkins.plugins.ansiblemitogen;

import io.ansiblemitogen.jenkins.AgentRun;
import io.ansiblemitogen.jenkins.JarLocator;
import io.ansiblemitogen.jenkins.SecretFiles;
import io.ansiblemitogen.jenkins.StaleSecrets;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import jenkins.security.MasterToSlaveCallable;

/**
 * The calls the controller makes on the agent. Each only forwards to jenkins-support; the classes exist because
 * remoting needs a serializable object whose {@code call()} runs in the agent JVM. That the daemon is started
 * from here, in the agent JVM and not by the build's launcher, is what keeps it alive after the build.
 */
final class AgentCalls {
    private AgentCalls() {
    }

    /** The agent path of the cached CLI jar with this digest, or {@code null} if it must be sent. */
    static final class FindJar extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final String sha256;

        FindJar(String sha256) {
            this.sha256 = sha256;
        }

        @Override
        public String call() throws IOException {
            return JarLocator.find(cacheDir(), sha256).map(Path::toString).orElse(null);
        }
    }

    /** Writes the CLI jar into the agent's cache; the digest is verified before the jar becomes visible. */
    static final class InstallJar extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final String sha256;
        private final byte[] content;

        InstallJar(String sha256, byte[] content) {
            this.sha256 = sha256;
            this.content = content;
        }

        @Override
        public String call() throws IOException {
            return JarLocator.install(cacheDir(), sha256, new ByteArrayInputStream(content)).toString();
        }
    }

    static final class Prepare extends MasterToSlaveCallable<AgentRun.Prepared, IOException> {
        private static final long serialVersionUID = 1L;
        private final AgentRun.Request request;

        Prepare(AgentRun.Request request) {
            this.request = request;
        }

        @Override
        public AgentRun.Prepared call() throws IOException {
            try {
                return AgentRun.prepare(request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while starting the ansible-mitogen daemon");
            }
        }
    }

    static final class Finish extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final AgentRun.Prepared prepared;

        Finish(AgentRun.Prepared prepared) {
            this.prepared = prepared;
        }

        @Override
        public String call() throws IOException {
            return AgentRun.finish(prepared);
        }
    }

    /**
     * Deletes stale secret directories in the agent's temp dir (see {@link StaleSecrets}); returns their paths.
     * Called when an agent comes online, so that a run interrupted by a controller restart leaves nothing behind
     * even if no run follows on that agent.
     */
    static final class SweepStaleSecrets extends MasterToSlaveCallable<ArrayList<String>, IOException> {
        private static final long serialVersionUID = 1L;

        @Override
        public ArrayList<String> call() {
            if (File.pathSeparatorChar != ':') {
                return new ArrayList<>(); // not Unix: no run ever wrote secrets here
            }
            return new ArrayList<>(StaleSecrets.sweep(SecretFiles.parentOrDefault(null))); // JEP-200: ArrayList
        }
    }

    private static Path cacheDir() {
        return JarLocator.defaultCacheDir(System.getenv(), System.getProperty("user.home"));
    }
}
