package io.ansiblemitogen.jenkins;

import java.util.Locale;

/** {@code mitogen_task_isolation}: run each task in the warm interpreter, or in a fork of it. */
public enum TaskIsolation {
    REUSE, FORK;

    /** The value the engine and the Ansible plugin understand ({@code reuse} or {@code fork}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code reuse}/{@code fork} (any case); throws with a message naming the accepted values. */
    public static TaskIsolation parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (TaskIsolation v : values()) {
            if (v.value().equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("taskIsolation must be 'reuse' or 'fork', not '" + text + "'");
    }
}
