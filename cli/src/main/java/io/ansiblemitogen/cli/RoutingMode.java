package io.ansiblemitogen.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How ansible-playbook is made to send its tasks to the engine (docs/ansible-plugin.md "Modes").
 *
 * <p>{@link #CONNECTION}: only our connection plugins, found by ansible-core's loader through
 * {@code connection_plugins}; every strategy ansible-core ships (or a third-party one) runs unchanged and its tasks
 * reach the engine. It needs nothing ansible-core deprecates, so it keeps working when third-party strategy
 * plugins are no longer loaded (2.19 deprecates them). {@link #STRATEGY}: the same, plus the strategy plugins
 * {@code mitogen_linear}/{@code mitogen_free}/{@code mitogen_host_pinned} as an accelerator (thread workers, the
 * module-scan cache, the kept plugin listings, the engine hand-shake before the first task, mitogen_via).
 * The default is STRATEGY, the faster one, which every ansible-core line this was tested on (2.14, 2.19, 2.22)
 * still loads; {@code ANSIBLE_MITOGEN_MODE=connection} (or {@code --mode connection}) picks the other.
 */
public enum RoutingMode {
    STRATEGY, CONNECTION;

    static final String ENV = "ANSIBLE_MITOGEN_MODE";

    /** The mode named by {@code --mode NAME} in {@code args}, else by ANSIBLE_MITOGEN_MODE, else STRATEGY. */
    static RoutingMode select(List<String> args, Map<String, String> env) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--mode")) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--mode needs a value: strategy or connection");
                }
                return parse(args.get(i + 1), "--mode");
            }
            if (a.startsWith("--mode=")) {
                return parse(a.substring("--mode=".length()), "--mode");
            }
            throw new IllegalArgumentException("unknown argument '" + a + "' (only --mode strategy|connection)");
        }
        String fromEnv = env.get(ENV);
        return fromEnv == null || fromEnv.isBlank() ? STRATEGY : parse(fromEnv, ENV);
    }

    static RoutingMode parse(String value, String where) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "=" + value + ": expected strategy or connection");
        }
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
