package io.ansiblemitogen.cli;

import io.ansiblemitogen.server.SocketDirs;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CLI looks for the daemon. The variable names are the ones the Jenkins side sets on an agent
 * (docs/jenkins.md, "Choosing the daemon"), so a shell on the agent finds the daemon its builds use.
 */
final class DaemonLocation {
    /** A socket path: an engine chosen explicitly (it is what ansible-playbook's plugin reads too). */
    static final String SOCKET_ENV = "ANSIBLE_MITOGEN_SOCKET";
    /** The daemon's directory (one daemon per directory). */
    static final String SOCKET_DIR_ENV = "ANSIBLE_MITOGEN_SOCKET_DIR";
    /** Minutes without a request before a daemon started without --idle-timeout exits. */
    static final String IDLE_TIMEOUT_ENV = "ANSIBLE_MITOGEN_IDLE_TIMEOUT";
    static final long DEFAULT_IDLE_MINUTES = 30;

    private DaemonLocation() {
    }

    /** {@code --socket-dir} if given, else {@value #SOCKET_DIR_ENV}, else the per-user default. */
    static Path dir(String option, Map<String, String> env) {
        if (option != null) {
            return Path.of(option);
        }
        String fromEnv = env.get(SOCKET_DIR_ENV);
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : SocketDirs.defaultDir();
    }

    /** The socket to talk to: {@code --socket-dir}'s, else {@value #SOCKET_ENV}, else the directory's. */
    static Path socket(String dirOption, Map<String, String> env) {
        String explicit = env.get(SOCKET_ENV);
        if (dirOption == null && explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return SocketDirs.socketIn(dir(dirOption, env));
    }

    /** Whether the user named a daemon (so not finding it deserves a word), rather than relying on the default. */
    static boolean named(Map<String, String> env) {
        return notBlank(env.get(SOCKET_ENV)) || notBlank(env.get(SOCKET_DIR_ENV));
    }

    static long idleMillis(Map<String, String> env) {
        String v = env.get(IDLE_TIMEOUT_ENV);
        if (!notBlank(v)) {
            return DEFAULT_IDLE_MINUTES * 60_000L;
        }
        try {
            return Long.parseLong(v.trim()) * 60_000L;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(IDLE_TIMEOUT_ENV + " takes whole minutes, not '" + v + "'");
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
