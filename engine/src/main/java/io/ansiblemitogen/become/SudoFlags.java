package io.ansiblemitogen.become;

import io.ansiblemitogen.transport.ShellWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code become_flags}/{@code sudo_flags} read with sudo(8)'s own option syntax (clustered short options, attached
 * or separate arguments, {@code --long=value}). Options that only change who or how the command runs are passed
 * on; the ones the engine supplies itself ({@code -S}, {@code -p}, {@code -n}) are absorbed; the ones that cannot
 * work with a persistent interpreter are reported by name; unknown ones go to sudo as written, to be refused there.
 */
public final class SudoFlags {
    /** What to pass to sudo, whether {@code -n} was asked for, and a prompt set with {@code -p}. */
    public record Parsed(List<String> args, boolean nonInteractive, String prompt) {
    }

    /** Ansible's default for the sudo become plugin. */
    public static final String ANSIBLE_DEFAULT = "-H -S -n";

    private static final String FLAGS_KEPT = "EHPkNB";
    private static final String ARGS_KEPT = "aCcDgRrth";
    private static final Map<Character, String> LONG_NAMES = Map.ofEntries(
            Map.entry('A', "--askpass"), Map.entry('b', "--background"), Map.entry('e', "--edit"),
            Map.entry('i', "--login"), Map.entry('K', "--remove-timestamp"), Map.entry('l', "--list"),
            Map.entry('s', "--shell"), Map.entry('T', "--command-timeout"), Map.entry('U', "--other-user"),
            Map.entry('u', "--user"), Map.entry('V', "--version"), Map.entry('v', "--validate"),
            Map.entry('h', "--help"));
    private static final Map<String, Character> LONG = Map.ofEntries(
            Map.entry("askpass", 'A'), Map.entry("auth-type", 'a'), Map.entry("background", 'b'),
            Map.entry("bell", 'B'), Map.entry("close-from", 'C'), Map.entry("login-class", 'c'),
            Map.entry("chdir", 'D'), Map.entry("preserve-env", 'E'), Map.entry("edit", 'e'),
            Map.entry("group", 'g'), Map.entry("set-home", 'H'), Map.entry("help", '?'), Map.entry("host", 'h'),
            Map.entry("login", 'i'), Map.entry("remove-timestamp", 'K'), Map.entry("reset-timestamp", 'k'),
            Map.entry("list", 'l'), Map.entry("no-update", 'N'), Map.entry("non-interactive", 'n'),
            Map.entry("preserve-groups", 'P'), Map.entry("prompt", 'p'), Map.entry("chroot", 'R'),
            Map.entry("role", 'r'), Map.entry("stdin", 'S'), Map.entry("shell", 's'), Map.entry("type", 't'),
            Map.entry("command-timeout", 'T'), Map.entry("other-user", 'U'), Map.entry("user", 'u'),
            Map.entry("version", 'V'), Map.entry("validate", 'v'));

    private SudoFlags() {
    }

    public static Parsed parse(String flags) throws BecomeException {
        List<String> words;
        try {
            words = ShellWords.split(flags == null ? ANSIBLE_DEFAULT : flags);
        } catch (IllegalArgumentException e) {
            throw new BecomeException("become_flags: " + e.getMessage(), true);
        }
        List<String> out = new ArrayList<>();
        boolean nonInteractive = false;
        String prompt = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) {
                if (i + 1 < words.size()) {
                    throw extra(words.get(i + 1));
                }
                break;
            }
            if (w.startsWith("--")) {
                String name = w.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                Character c = LONG.get(name);
                if (c == null) {
                    return unknown(out, w, words, i, nonInteractive, prompt);
                }
                if (c == 'E' || FLAGS_KEPT.indexOf(c) >= 0) {
                    out.add(w); // --preserve-env[=list] and plain flags pass through as written
                    continue;
                }
                if (c == 'S') {
                    continue;
                }
                if (c == 'n') {
                    nonInteractive = true;
                    continue;
                }
                if (c == 'p' || ARGS_KEPT.indexOf(c) >= 0) {
                    if (value == null) {
                        if (i + 1 >= words.size()) {
                            throw new BecomeException("become_flags: sudo option --" + name + " needs a value", true);
                        }
                        value = words.get(++i);
                    }
                    if (c == 'p') {
                        prompt = value;
                    } else {
                        out.add("--" + name + "=" + value);
                    }
                    continue;
                }
                throw conflict(c == '?' ? 'h' : c);
            }
            if (!w.startsWith("-") || w.length() < 2) {
                throw extra(w);
            }
            for (int j = 1; j < w.length(); j++) {
                char c = w.charAt(j);
                if (FLAGS_KEPT.indexOf(c) >= 0) {
                    out.add("-" + c);
                } else if (c == 'S') {
                    // The engine always passes -S: the password goes to sudo's stdin, never to a terminal echo.
                } else if (c == 'n') {
                    nonInteractive = true;
                } else if (c == 'p' || ARGS_KEPT.indexOf(c) >= 0) {
                    String value = w.substring(j + 1);
                    if (c == 'h' && value.isEmpty()) {
                        throw conflict('h'); // -h alone is --help; a host must be attached (-hHOST)
                    }
                    if (value.isEmpty()) {
                        if (i + 1 >= words.size()) {
                            throw new BecomeException("become_flags: sudo option -" + c + " needs a value", true);
                        }
                        value = words.get(++i);
                    }
                    if (c == 'p') {
                        prompt = value;
                    } else {
                        out.add("-" + c);
                        out.add(value);
                    }
                    break;
                } else if (LONG_NAMES.containsKey(c)) {
                    throw conflict(c);
                } else {
                    return unknown(out, "-" + w.substring(j), words, i, nonInteractive, prompt);
                }
            }
        }
        return new Parsed(List.copyOf(out), nonInteractive, prompt);
    }

    /**
     * An option this parser does not know: handed to sudo as written, with everything after it, so that sudo
     * refuses it in its own words ("sudo: unrecognized option '--bogus'", "sudo: invalid option -- 'Z'") and
     * with its own exit status, which the task then reports as stock Ansible does (MODULE FAILURE, rc 1, sudo's
     * usage in module_stderr). A newer sudo's option that runs a command works as under stock.
     */
    private static Parsed unknown(List<String> out, String word, List<String> words, int i, boolean nonInteractive,
            String prompt) {
        out.add(word);
        out.addAll(words.subList(i + 1, words.size()));
        return new Parsed(List.copyOf(out), nonInteractive, prompt);
    }

    private static BecomeException extra(String word) {
        return new BecomeException("become_flags: unexpected argument '" + word
                + "' for sudo: the engine supplies the command itself", true);
    }

    private static BecomeException conflict(char c) {
        String why = switch (c) {
            case 'i' -> "it runs the command through the target user's login shell; the engine starts Python "
                    + "directly (use -H for the target's home, or set the environment with 'environment:')";
            case 's' -> "it runs the command through a shell; the engine starts Python directly";
            case 'b' -> "it runs the command in the background; the engine talks to it over its stdin and stdout";
            case 'u' -> "it names the user; set become_user (ansible_become_user) instead";
            case 'A' -> "it asks an askpass helper; the engine answers sudo's prompt with become_password";
            case 'T' -> "it would end the persistent interpreter after the timeout";
            case 'U', 'l' -> "it lists privileges instead of running a command";
            default -> "it does not run a command";
        };
        return new BecomeException("become_flags: sudo option -" + c + " (" + LONG_NAMES.get(c)
                + ") is not supported: " + why, true);
    }
}
