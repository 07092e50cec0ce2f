package io.ansiblemitogen.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * Shell words, both ways. Two splitting dialects, because Ansible hands us two kinds of strings: ssh arguments,
 * which it splits itself with Python's {@code shlex.split} (inside double quotes only {@code \"} and {@code \\}
 * are escapes), and become flags, which end up in a command line read by a POSIX shell (where {@code \$} and
 * {@code \`} are escapes too). Quoting is POSIX single quotes.
 */
public final class ShellWords {
    private static final String SHLEX_ESCAPES = "\"\\";
    private static final String SHELL_ESCAPES = "\"\\$`";

    private ShellWords() {
    }

    /** As a POSIX shell splits words (no expansion): for become flags. */
    public static List<String> split(String s) {
        return split(s, SHELL_ESCAPES);
    }

    /** As Python's {@code shlex.split} does (POSIX mode): for ssh arguments, which Ansible splits that way. */
    public static List<String> splitLikeShlex(String s) {
        return split(s, SHLEX_ESCAPES);
    }

    private static List<String> split(String s, String escapesInDoubleQuotes) {
        List<String> words = new ArrayList<>();
        if (s == null) {
            return words;
        }
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("no closing quotation in: " + s);
                }
                cur.append(s, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = s.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && escapesInDoubleQuotes.indexOf(s.charAt(i + 1)) >= 0) {
                        cur.append(s.charAt(i + 1));
                        i += 2;
                    } else {
                        cur.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("no closing quotation in: " + s);
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("no escaped character at the end of: " + s);
                }
                cur.append(s.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                cur.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }

    /** One word, safe in any POSIX shell. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(ch -> Character.isLetterOrDigit(ch)
                || "@%+=:,./-_".indexOf(ch) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(quote(w));
        }
        return b.toString();
    }
}
