package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/**
 * Answers Ansible's home-directory lookups ({@code echo ~} and {@code echo ~USER}, exactly as the sh shell plugin's
 * {@code expand_user} builds them) from the login interpreter's hello, without a round trip. {@code ~} is
 * {@code $HOME}; {@code ~USER} is that user's passwd entry, known only for the user the interpreter runs as.
 */
final class HomeAnswer {
    /** Text that POSIX {@code echo} prints verbatim (no backslash escapes, no leading option). */
    private static final Pattern PLAIN = Pattern.compile("/[A-Za-z0-9_./@+,:-]*");

    private HomeAnswer() {
    }

    /** The command's exact stdout, or null when the command is not such a lookup or the answer is unknown. */
    static String answer(String cmd, JsonNode hello) {
        if (hello == null || cmd == null || !cmd.startsWith("echo ~")) {
            return null;
        }
        String user = cmd.substring("echo ~".length());
        String home;
        if (user.isEmpty()) {
            home = hello.path("home").asText(null);
        } else if (user.equals(hello.path("user").asText(null))) {
            home = hello.path("user_home").asText(null);
        } else {
            return null;
        }
        return home != null && PLAIN.matcher(home).matches() ? home + "\n" : null;
    }
}
