package io.ansiblemitogen.jenkins;

/**
 * Merges engine options: a value set closer to the run wins. Order of precedence, strongest first: the step's
 * own argument, the innermost {@code mitogen} block, outer blocks, then the defaults.
 */
public final class OptionMerger {
    private OptionMerger() {
    }

    /** {@code inner} wins where it sets a value; {@code outer} fills the rest. Either may be {@code null}. */
    public static StageOptions merge(StageOptions outer, StageOptions inner) {
        if (outer == null) {
            return inner == null ? StageOptions.EMPTY : inner;
        }
        if (inner == null) {
            return outer;
        }
        return StageOptions.builder()
                .taskIsolation(pick(inner.taskIsolation(), outer.taskIsolation()))
                .strategy(pick(inner.strategy(), outer.strategy()))
                .maxInterpreters(pick(inner.maxInterpreters(), outer.maxInterpreters()))
                .poolSize(pick(inner.poolSize(), outer.poolSize()))
                .verbosity(pick(inner.verbosity(), outer.verbosity()))
                .build();
    }

    /** The run's options with every unset engine option taken from the enclosing block(s). */
    public static PlaybookOptions effective(PlaybookOptions step, StageOptions enclosing) {
        return step.withStageOptions(merge(enclosing, step.stageOptions()));
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
