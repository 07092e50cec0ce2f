package io.ansiblemitogen.cli;

import io.ansiblemitogen.wire.Switch;

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
    /** How long the plugin's first connection waits for the engine's socket (ansible_mitogen_engine.locator). */
    static final String SOCKET_WAIT_ENV = "ANSIBLE_MITOGEN_SOCKET_WAIT";

    private PlaybookCommand() {
    }

    public static int run(List<String> args) throws IOException, InterruptedException {
        Map<String, String> env = System.getenv();
        Path daemon = runningDaemon(env);
        EmbeddedEngine embedded = null;
        Path socket = daemon;
        if (socket == null) {
            embedded = EmbeddedEngine.reserve();
            socket = embedded.socket();
        }
        boolean summary = Switch.on(env.get("ANSIBLE_MITOGEN_SUMMARY"));
        long[] before = daemon != null && summary ? counters(daemon) : null;
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(env.getOrDefault("ANSIBLE_MITOGEN_ANSIBLE_PLAYBOOK", "ansible-playbook"));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().putAll(AnsibleEnvironment.forEngine(socket, env));
            if (embedded != null) {
                // ansible-playbook starts first and the engine meanwhile: its first connection waits for the socket.
                pb.environment().put(SOCKET_WAIT_ENV, "60");
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                System.err.println("ansible-mitogen: cannot run " + cmd.get(0) + ": " + e.getMessage()
                        + " (install ansible-core, or set ANSIBLE_MITOGEN_ANSIBLE_PLAYBOOK)");
                return 2;
            }
            if (embedded != null) {
                try {
                    embedded.start();
                } catch (IOException | RuntimeException e) {
                    p.destroy();
                    System.err.println("ansible-mitogen: cannot start the engine on " + socket + ": " + e);
                    return 2;
                }
            }
            Process child = p;
            Thread killer = new Thread(child::destroy);
            Runtime.getRuntime().addShutdownHook(killer);
            int rc = p.waitFor();
            Runtime.getRuntime().removeShutdownHook(killer);
            if (embedded != null && summary) {
                System.err.println("ansible-mitogen: connections opened " + embedded.engine().pool().openedCount()
                        + ", reused " + embedded.engine().pool().reusedCount());
            }
            long[] after = before != null ? counters(daemon) : null;
            if (after != null && before[0] >= 0 && after[0] >= 0) {
                // Runs sharing the daemon at the same time are counted together.
                System.err.println("ansible-mitogen: connections opened " + (after[0] - before[0]) + ", reused "
                        + (after[1] - before[1]) + " (daemon " + daemon + ")");
            }
            return rc;
        } finally {
            if (embedded != null) {
                embedded.close();
                if (embedded.keptDebugDir() != null) {
                    System.err.println("ansible-mitogen: router debug files of this run are in "
                            + embedded.keptDebugDir() + " (remove the directory when done)");
                }
            }
        }
    }

    /** The daemon's running counts {opened, reused}, or -1s if it cannot be asked. */
    private static long[] counters(Path socket) {
        try (EngineClient c = EngineClient.connect(socket)) {
            com.fasterxml.jackson.databind.JsonNode st = c.request(
                    io.ansiblemitogen.wire.Json.object().put("op", "pool_status"));
            return new long[] {st.path("connections_opened").asLong(-1), st.path("connections_reused").asLong(-1)};
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * The daemon to use: ANSIBLE_MITOGEN_SOCKET if set, else the socket in ANSIBLE_MITOGEN_SOCKET_DIR or the
     * default directory, if a daemon answers there; null for an engine of this run's own.
     */
    static Path runningDaemon(Map<String, String> env) {
        if (Switch.on(env.get("ANSIBLE_MITOGEN_EMBEDDED"))) {
            return null;
        }
        Path socket = DaemonLocation.socket(null, env);
        try (EngineClient ignored = EngineClient.connect(socket)) {
            return socket;
        } catch (DaemonNotAnswering e) {
            System.err.println("ansible-mitogen: " + e.getMessage() + "; this run uses an engine of its own");
            return null;
        } catch (IOException e) {
            // no daemon there
        }
        if (DaemonLocation.named(env)) {
            System.err.println("ansible-mitogen: no daemon answers on " + socket
                    + "; this run uses an engine of its own (start one with: ansible-mitogen daemon)");
        }
        return null;
    }
}
