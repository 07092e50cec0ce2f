package io.ansiblemitogen.transport.ssh;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a string into words the way Ansible does for ssh arguments ({@code shlex.split}, POSIX mode): blanks
 * separate words, single quotes are literal, double quotes allow {@code \"} and {@code \\}, a backslash outside
 * quotes escapes the next character. No comments, no variable expansion.
 */
public final class ShellWords {
    private ShellWords() {
    }

    public static List<String> split(String s) {
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
                    if (d == '\\' && i + 1 < n && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
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
}
