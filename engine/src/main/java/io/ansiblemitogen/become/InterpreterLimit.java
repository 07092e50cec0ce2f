package io.ansiblemitogen.become;

/**
 * How many interpreters (login and become children) one target may hold: {@code MITOGEN_MAX_INTERPRETERS} in the
 * engine's environment, else 20 (Mitogen's default).
 */
public final class InterpreterLimit {
    public static final String ENV = "MITOGEN_MAX_INTERPRETERS";
    public static final int DEFAULT = 20;

    private InterpreterLimit() {
    }

    public static int fromEnvironment() {
        return parse(System.getenv(ENV));
    }

    static int parse(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        try {
            int n = Integer.parseInt(value.strip());
            // One login interpreter plus at least one child, or become could never work.
            return Math.max(2, n);
        } catch (NumberFormatException e) {
            return DEFAULT;
        }
    }
}
