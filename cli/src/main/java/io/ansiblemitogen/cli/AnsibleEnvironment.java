package io.ansiblemitogen.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The environment that makes a plain ansible-playbook use the engine (issue 7's `env` and the playbook command). */
public final class AnsibleEnvironment {
    private AnsibleEnvironment() {
    }

    /** The environment for the mode the caller's environment selects (ANSIBLE_MITOGEN_MODE, default strategy). */
    public static Map<String, String> forEngine(Path socket, Map<String, String> current) throws IOException {
        return forEngine(socket, current, RoutingMode.select(List.of(), current));
    }

    /**
     * @param socket engine socket to use, or null to let the plugin find or start the user's daemon
     * @param current the caller's environment (existing plugin paths are kept after ours)
     * @param mode connection plugins only, or with our strategies as accelerator
     */
    public static Map<String, String> forEngine(Path socket, Map<String, String> current, RoutingMode mode)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(RoutingMode.ENV, mode.label());
        prepend(env, current, "ANSIBLE_CONNECTION_PLUGINS", PluginFiles.connectionDir().toString());
        if (mode == RoutingMode.STRATEGY) {
            prepend(env, current, "ANSIBLE_STRATEGY_PLUGINS", PluginFiles.strategyDir().toString());
            String strategy = acceleratedStrategy(current.get("ANSIBLE_STRATEGY"));
            if (strategy != null) {
                env.put("ANSIBLE_STRATEGY", strategy);
            }
        }
        if (socket != null) {
            env.put("ANSIBLE_MITOGEN_SOCKET", socket.toString());
        }
        Path jar = ownJar();
        if (jar != null) {
            env.put("ANSIBLE_MITOGEN_JAR", jar.toString());
        }
        return env;
    }

    /**
     * Our strategy with the same semantics as the one the caller configured (none means ansible-core's default,
     * linear), or null for one we have no accelerated twin of (debug, a third-party one): it is kept, and its
     * tasks still reach the engine through the connection plugins.
     */
    static String acceleratedStrategy(String configured) {
        String name = configured == null || configured.isBlank() ? "linear" : configured.strip();
        name = name.replaceFirst("^ansible\\.(builtin|legacy)\\.", "").replaceFirst("^mitogen_", "");
        return STRATEGY_TWINS.contains(name) ? "mitogen_" + name : null;
    }

    private static final Set<String> STRATEGY_TWINS = Set.of("linear", "free", "host_pinned");

    private static void prepend(Map<String, String> env, Map<String, String> current, String var, String dir) {
        String existing = current.get(var);
        env.put(var, existing == null || existing.isBlank() ? dir : dir + ":" + existing);
    }

    /**
     * {@code plugin-path [--mode M]}: the directory ansible.cfg names for the mode (strategy_plugins or
     * connection_plugins), through the link that survives upgrades ({@link PluginFiles#stableDir}).
     */
    static Path pluginPath(List<String> args) throws IOException {
        return PluginFiles.stableDir(RoutingMode.select(args, System.getenv()) == RoutingMode.STRATEGY
                ? "strategy" : "connection");
    }

    /**
     * {@code export NAME='value'} lines, quoted for any POSIX shell, so {@code eval "$(ansible-mitogen env)"}
     * works whatever the paths hold (spaces, quotes).
     */
    public static String exportLines(Map<String, String> env) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : env.entrySet()) {
            b.append("export ").append(e.getKey()).append('=').append(shellQuote(e.getValue())).append('\n');
        }
        return b.toString();
    }

    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** The jar this CLI runs from (null when run from classes, as in tests). */
    public static Path ownJar() {
        try {
            Path p = Path.of(AnsibleEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.toString().endsWith(".jar") ? p : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }
}
