package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.Objects;

/**
 * The engine options a block ({@code options { mitogen(...) }}) sets for every nested run. Every field is
 * optional: {@code null} means "not set here, use the enclosing block's value or the default".
 */
public final class StageOptions implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final StageOptions EMPTY = builder().build();

    private final TaskIsolation taskIsolation;
    private final Strategy strategy;
    private final Integer maxInterpreters;
    private final Integer poolSize;
    private final Integer verbosity;

    private StageOptions(Builder b) {
        taskIsolation = b.taskIsolation;
        strategy = b.strategy;
        maxInterpreters = b.maxInterpreters;
        poolSize = b.poolSize;
        verbosity = b.verbosity;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().taskIsolation(taskIsolation).strategy(strategy).maxInterpreters(maxInterpreters)
                .poolSize(poolSize).verbosity(verbosity);
    }

    public TaskIsolation taskIsolation() { return taskIsolation; }
    public Strategy strategy() { return strategy; }
    public Integer maxInterpreters() { return maxInterpreters; }
    public Integer poolSize() { return poolSize; }
    public Integer verbosity() { return verbosity; }

    public boolean isEmpty() {
        return equals(EMPTY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageOptions s && s.taskIsolation == taskIsolation && s.strategy == strategy
                && Objects.equals(s.maxInterpreters, maxInterpreters) && Objects.equals(s.poolSize, poolSize)
                && Objects.equals(s.verbosity, verbosity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskIsolation, strategy, maxInterpreters, poolSize, verbosity);
    }

    @Override
    public String toString() {
        return "StageOptions{taskIsolation=" + taskIsolation + ", strategy=" + strategy + ", maxInterpreters="
                + maxInterpreters + ", poolSize=" + poolSize + ", verbosity=" + verbosity + "}";
    }

    public static final class Builder {
        private TaskIsolation taskIsolation;
        private Strategy strategy;
        private Integer maxInterpreters;
        private Integer poolSize;
        private Integer verbosity;

        public Builder taskIsolation(TaskIsolation v) { taskIsolation = v; return this; }
        public Builder strategy(Strategy v) { strategy = v; return this; }
        public Builder maxInterpreters(Integer v) { maxInterpreters = v; return this; }
        public Builder poolSize(Integer v) { poolSize = v; return this; }
        public Builder verbosity(Integer v) { verbosity = v; return this; }

        public StageOptions build() {
            return new StageOptions(this);
        }
    }
}
