package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The ansible-playbook process to start: argv, the environment entries to add, and the secrets to mask in its
 * output. No element of {@link #argv()} is a secret (secrets are in files named by argv).
 */
public record PreparedCommand(List<String> argv, Map<String, String> env, Set<String> secrets)
        implements Serializable {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    public PreparedCommand {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        secrets = Set.copyOf(secrets);
    }

    /** argv as a copy-pasteable shell line, for the build log. */
    public String display() {
        return argv.stream().map(PreparedCommand::quote).collect(Collectors.joining(" "));
    }

    static String quote(String arg) {
        if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
