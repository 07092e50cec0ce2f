package io.ansiblemitogen.jenkins;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Carries {@link StageOptions} from the block step to nested runs as environment variables (the block adds them
 * through Jenkins' {@code EnvironmentExpander}). Nesting works by itself: an inner block overrides only the
 * variables it sets. The names are our own so that a user's {@code ANSIBLE_STRATEGY=linear} is never mistaken
 * for a block option.
 */
public final class StageOptionsEnv {
    public static final String TASK_ISOLATION = "ANSIBLE_MITOGEN_OPTION_TASK_ISOLATION";
    public static final String STRATEGY = "ANSIBLE_MITOGEN_OPTION_STRATEGY";
    public static final String MAX_INTERPRETERS = "ANSIBLE_MITOGEN_OPTION_MAX_INTERPRETERS";
    public static final String POOL_SIZE = "ANSIBLE_MITOGEN_OPTION_POOL_SIZE";
    public static final String VERBOSITY = "ANSIBLE_MITOGEN_OPTION_VERBOSITY";

    private StageOptionsEnv() {
    }

    /** Only the options that are set; an empty map for {@link StageOptions#EMPTY}. */
    public static Map<String, String> encode(StageOptions o) {
        Map<String, String> env = new LinkedHashMap<>();
        if (o.taskIsolation() != null) {
            env.put(TASK_ISOLATION, o.taskIsolation().value());
        }
        if (o.strategy() != null) {
            env.put(STRATEGY, o.strategy().value());
        }
        if (o.maxInterpreters() != null) {
            env.put(MAX_INTERPRETERS, o.maxInterpreters().toString());
        }
        if (o.poolSize() != null) {
            env.put(POOL_SIZE, o.poolSize().toString());
        }
        if (o.verbosity() != null) {
            env.put(VERBOSITY, o.verbosity().toString());
        }
        return env;
    }

    /**
     * Reads the options back from a build environment. A malformed value (someone set the variable by hand)
     * fails with a message naming the variable rather than being silently ignored.
     */
    public static StageOptions decode(Map<String, String> env) {
        StageOptions.Builder b = StageOptions.builder();
        b.taskIsolation(read(env, TASK_ISOLATION, TaskIsolation::parse));
        b.strategy(read(env, STRATEGY, Strategy::parse));
        b.maxInterpreters(read(env, MAX_INTERPRETERS, Integer::valueOf));
        b.poolSize(read(env, POOL_SIZE, Integer::valueOf));
        b.verbosity(read(env, VERBOSITY, Integer::valueOf));
        return b.build();
    }

    private static <T> T read(Map<String, String> env, String name, Function<String, T> parse) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return parse.apply(v.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("environment variable " + name + "='" + v + "' is not valid: "
                    + e.getMessage(), e);
        }
    }
}
