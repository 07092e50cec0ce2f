package io.ansiblemitogen.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * The calls one engine request made to remote contexts, for Ansible's -vvvv (the plugin asks with
 * {@code io_log}). Per thread, because an engine request runs on one thread from start to reply; sizes and
 * timings only, never headers or bodies (they may hold module arguments or passwords).
 */
public final class IoTrace {
    private static final ThreadLocal<List<String>> CURRENT = new ThreadLocal<>();

    private IoTrace() {
    }

    public static void begin() {
        CURRENT.set(new ArrayList<>());
    }

    /** The lines recorded since {@link #begin()} (empty if tracing was off), and tracing off. */
    public static List<String> end() {
        List<String> lines = CURRENT.get();
        CURRENT.remove();
        return lines == null ? List.of() : lines;
    }

    static boolean on() {
        return CURRENT.get() != null;
    }

    static void note(String line) {
        List<String> lines = CURRENT.get();
        if (lines != null) {
            lines.add(line);
        }
    }
}
