package io.jenkins.plugins.ansiblemitogen;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.TaskListener;
import io.ansiblemitogen.jenkins.Sha256;
import java.io.IOException;
import java.io.InputStream;

/**
 * The CLI jar this plugin ships as a resource, and its copy on an agent. The jar is sent to an agent only when
 * the agent has no copy with the same SHA-256, i.e. once per agent and plugin version.
 */
final class BundledCli {
    static final String RESOURCE = "ansible-mitogen-cli-all.jar";
    private static volatile String sha256;

    private BundledCli() {
    }

    /** Makes sure the agent holding {@code ws} has the jar; returns its path there. */
    static String ensureOnAgent(FilePath ws, TaskListener listener) throws IOException, InterruptedException {
        String sha = sha256();
        String path = ws.act(new AgentCalls.FindJar(sha));
        if (path == null) {
            listener.getLogger().println("[ansible-mitogen] copying the engine (" + sha.substring(0, 12) + ") to the agent");
            path = ws.act(new AgentCalls.InstallJar(sha, bytes()));
        }
        return path;
    }

    static String sha256() throws IOException {
        String s = sha256;
        if (s == null) {
            try (InputStream in = open()) {
                s = Sha256.of(in);
            }
            sha256 = s;
        }
        return s;
    }

    private static byte[] bytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    private static InputStream open() throws IOException {
        InputStream in = BundledCli.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new AbortException("this build of the ansible-mitogen plugin does not contain " + RESOURCE
                    + "; it was packaged without the cli module");
        }
        return in;
    }
}
