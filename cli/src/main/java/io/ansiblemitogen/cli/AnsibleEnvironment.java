package io.ansiblemitogen.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment that makes a plain ansible-playbook use the engine (issue 7's `env` and the playbook command). */
public final class AnsibleEnvironment {
    private AnsibleEnvironment() {
    }

    /**
     * @param socket engine socket to use, or null to let the plugin find or start the user's daemon
     * @param current the caller's environment (existing strategy plugin paths are kept after ours)
     */
    public static Map<String, String> forEngine(Path socket, Map<String, String> current) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        String strategyDir = PluginFiles.strategyDir().toString();
        String existing = current.get("ANSIBLE_STRATEGY_PLUGINS");
        env.put("ANSIBLE_STRATEGY_PLUGINS", existing == null || existing.isBlank()
                ? strategyDir : strategyDir + ":" + existing);
        String strategy = current.get("ANSIBLE_STRATEGY");
        env.put("ANSIBLE_STRATEGY", "mitogen_free".equals(strategy) ? strategy : "mitogen_linear");
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
