package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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

    // Plain ArrayList/LinkedHashMap inside: this crosses the remoting channel, whose class filter (JEP-200)
    // accepts those for sure, unlike the JDK's List.of/Map.of classes.
    public PreparedCommand {
        argv = new ArrayList<>(argv);
        env = new LinkedHashMap<>(env);
        secrets = new LinkedHashSet<>(secrets);
    }

    @Override
    public List<String> argv() {
        return Collections.unmodifiableList(argv);
    }

    @Override
    public Map<String, String> env() {
        return Collections.unmodifiableMap(env);
    }

    @Override
    public Set<String> secrets() {
        return Collections.unmodifiableSet(secrets);
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
