package io.ansiblemitogen.become;

import io.ansiblemitogen.transport.ShellWords;
import java.util.ArrayList;
import java.util.List;

/** {@code become_flags} for doas(1): only {@code -n} makes sense with a command the engine supplies. */
public final class DoasFlags {
    /** What to pass to doas and whether {@code -n} was asked for. */
    public record Parsed(List<String> args, boolean nonInteractive) {
    }

    private DoasFlags() {
    }

    public static Parsed parse(String flags) throws BecomeException {
        List<String> words;
        try {
            words = ShellWords.split(flags);
        } catch (IllegalArgumentException e) {
            throw new BecomeException("become_flags: " + e.getMessage(), true);
        }
        boolean nonInteractive = false;
        for (String w : words) {
            if (!w.startsWith("-") || w.length() < 2) {
                throw new BecomeException("become_flags: unexpected argument '" + w
                        + "' for doas: the engine supplies the command itself", true);
            }
            for (char c : w.substring(1).toCharArray()) {
                switch (c) {
                    case 'n' -> nonInteractive = true;
                    case 's' -> throw new BecomeException("become_flags: doas option -s is not supported: it runs "
                            + "a shell; the engine starts Python directly", true);
                    case 'L', 'C' -> throw new BecomeException("become_flags: doas option -" + c
                            + " is not supported: it does not run a command", true);
                    case 'u' -> throw new BecomeException("become_flags: doas option -u is not supported: set "
                            + "become_user (ansible_become_user) instead", true);
                    default -> throw new BecomeException("become_flags: doas has no option -" + c, true);
                }
            }
        }
        return new Parsed(new ArrayList<>(), nonInteractive);
    }
}
