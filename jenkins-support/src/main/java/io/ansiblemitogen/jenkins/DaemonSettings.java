package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.Map;

/**
 * Daemon settings a build can choose through its environment (set on the node, or with {@code withEnv}):
 * {@code ANSIBLE_MITOGEN_SOCKET_DIR} (one daemon per directory; default per user) and
 * {@code ANSIBLE_MITOGEN_IDLE_TIMEOUT} (minutes without a request before the daemon ends; used when it starts).
 */
public record DaemonSettings(String socketDir, int idleTimeoutMinutes) implements Serializable {
    public static final String SOCKET_DIR = "ANSIBLE_MITOGEN_SOCKET_DIR";
    public static final String IDLE_TIMEOUT = "ANSIBLE_MITOGEN_IDLE_TIMEOUT";
    public static final int DEFAULT_IDLE_TIMEOUT_MINUTES = 30;

    public static DaemonSettings fromEnvironment(Map<String, String> env) {
        String dir = env.get(SOCKET_DIR);
        String idle = env.get(IDLE_TIMEOUT);
        int minutes = DEFAULT_IDLE_TIMEOUT_MINUTES;
        if (idle != null && !idle.isBlank()) {
            try {
                minutes = Integer.parseInt(idle.trim());
            } catch (NumberFormatException e) {
                minutes = -1;
            }
            if (minutes < 1) {
                throw new IllegalArgumentException(IDLE_TIMEOUT + "='" + idle + "' must be a whole number of minutes,"
                        + " 1 or more");
            }
        }
        return new DaemonSettings(dir == null || dir.isBlank() ? null : dir.trim(), minutes);
    }
}
