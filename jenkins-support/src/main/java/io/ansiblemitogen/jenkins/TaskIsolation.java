package io.ansiblemitogen.jenkins;

import java.util.Locale;

/**
 * {@code mitogen_task_isolation}: each task in a process of its own forked by the interpreter's fork server
 * ({@code isolated}, the default), in the warm interpreter itself ({@code reuse}: fastest, state leaks between tasks),
 * or in a fork of the warm interpreter ({@code fork}).
 */
public enum TaskIsolation {
    ISOLATED, REUSE, FORK;

    /** The value the engine and the Ansible plugin understand ({@code isolated}, {@code reuse} or {@code fork}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code isolated}/{@code reuse}/{@code fork} (any case); throws with a message naming the accepted values. */
    public static TaskIsolation parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (TaskIsolation v : values()) {
            if (v.value().equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("taskIsolation must be 'isolated', 'reuse' or 'fork', not '" + text + "'");
    }
}
