package io.ansiblemitogen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ansible-mitogen playbook ARGS...}: ansible-playbook with our strategy, served by the user's running
 * daemon if one answers, else by an engine embedded in this process for the length of the run.
 */
public final class PlaybookCommand {
    private PlaybookCommand() {
    }

    public static int run(List<String> args) throws IOException, InterruptedException {
        Map<String, String> env = System.getenv();
        Path daemon = runningDaemon(env);
        EmbeddedEngine embedded = null;
        Path socket = daemon;
        if (socket == null) {
            embedded = new EmbeddedEngine();
            socket = embedded.socket();
        }
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(env.getOrDefault("ANSIBLE_MITOGEN_ANSIBLE_PLAYBOOK", "ansible-playbook"));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().putAll(AnsibleEnvironment.forEngine(socket, env));
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                System.err.println("ansible-mitogen: cannot run " + cmd.get(0) + ": " + e.getMessage()
                        + " (install ansible-core, or set ANSIBLE_MITOGEN_ANSIBLE_PLAYBOOK)");
                return 2;
            }
            Process child = p;
            Thread killer = new Thread(child::destroy);
            Runtime.getRuntime().addShutdownHook(killer);
            int rc = p.waitFor();
            Runtime.getRuntime().removeShutdownHook(killer);
            if (embedded != null && env.containsKey("ANSIBLE_MITOGEN_SUMMARY")) {
                System.err.println("ansible-mitogen: connections opened " + embedded.engine().pool().openedCount()
                        + ", reused " + embedded.engine().pool().reusedCount());
            }
            return rc;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** The daemon to use: ANSIBLE_MITOGEN_SOCKET if set, else the default socket if a daemon answers there. */
    static Path runningDaemon(Map<String, String> env) {
        if ("1".equals(env.get("ANSIBLE_MITOGEN_EMBEDDED"))) {
            return null;
        }
        String explicit = env.get("ANSIBLE_MITOGEN_SOCKET");
        Path socket = explicit != null && !explicit.isBlank() ? Path.of(explicit)
                : io.ansiblemitogen.server.SocketDirs.socketIn(io.ansiblemitogen.server.SocketDirs.defaultDir());
        return EngineClient.isAlive(socket) ? socket : null;
    }
}
