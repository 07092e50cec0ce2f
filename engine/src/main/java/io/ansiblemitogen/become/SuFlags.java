package io.ansiblemitogen.become;

import io.ansiblemitogen.transport.ShellWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code become_flags} for su(1) (util-linux and BSD spellings): options that shape the session pass through;
 * the ones that take over the command or the terminal are reported by name.
 */
public final class SuFlags {
    private static final Map<String, String> CONFLICTS = Map.of(
            "-c", "the engine supplies the command itself",
            "--command", "the engine supplies the command itself",
            "-C", "the engine supplies the command itself",
            "--session-command", "the engine supplies the command itself",
            "-P", "it puts the command on a terminal of its own, which would garble the engine's binary stream",
            "--pty", "it puts the command on a terminal of its own, which would garble the engine's binary stream",
            "-h", "it prints help instead of running a command",
            "--help", "it prints help instead of running a command",
            "-V", "it prints the version instead of running a command",
            "--version", "it prints the version instead of running a command");
    private static final List<String> FLAGS = List.of("-", "-l", "--login", "-f", "--fast", "-m", "-p",
            "--preserve-environment");
    private static final List<String> WITH_VALUE = List.of("-s", "--shell", "-g", "--group", "-G",
            "--supp-group", "-w", "--whitelist-environment");

    private SuFlags() {
    }

    public static List<String> parse(String flags) throws BecomeException {
        List<String> words;
        try {
            words = ShellWords.split(flags);
        } catch (IllegalArgumentException e) {
            throw new BecomeException("become_flags: " + e.getMessage(), true);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String name = w.startsWith("--") && w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
            if (CONFLICTS.containsKey(name)) {
                throw new BecomeException("become_flags: su option " + name + " is not supported: "
                        + CONFLICTS.get(name), true);
            }
            if (FLAGS.contains(w) || (name.startsWith("--") && WITH_VALUE.contains(name) && w.contains("="))) {
                out.add(w);
            } else if (WITH_VALUE.contains(w)) {
                if (i + 1 >= words.size()) {
                    throw new BecomeException("become_flags: su option " + w + " needs a value", true);
                }
                out.add(w);
                out.add(words.get(++i));
            } else if (w.startsWith("-") && w.length() > 2 && !w.startsWith("--")
                    && WITH_VALUE.contains(w.substring(0, 2))) {
                out.add(w); // attached value: -s/bin/sh
            } else if (w.startsWith("-")) {
                throw new BecomeException("become_flags: su option " + w + " is not known to the engine", true);
            } else {
                throw new BecomeException("become_flags: unexpected argument '" + w
                        + "' for su: set become_user (ansible_become_user) to choose the user", true);
            }
        }
        return List.copyOf(out);
    }
}
