package io.ansiblemitogen.jenkins;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code extras} into arguments the way a POSIX shell would, without expanding anything: whitespace
 * separates, single quotes are literal, double quotes allow {@code \" \\ \$ \`}, a backslash outside quotes
 * escapes the next character. So {@code --ssh-extra-args="-o StrictHostKeyChecking=no"} is one argument.
 */
public final class ShellTokenizer {
    private ShellTokenizer() {
    }

    public static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean inToken = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed single quote at position " + i + " in: " + text);
                }
                cur.append(text, i + 1, end);
                inToken = true;
                i = end + 1;
            } else if (c == '"') {
                i = readDoubleQuoted(text, i, cur);
                inToken = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("a backslash ends the text: " + text);
                }
                char next = text.charAt(i + 1);
                if (next != '\n') { // backslash-newline is a line continuation
                    cur.append(next);
                    inToken = true;
                }
                i += 2;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
                i++;
            } else {
                cur.append(c);
                inToken = true;
                i++;
            }
        }
        if (inToken) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Appends the contents of the double-quoted string starting at {@code start}; returns the index after it. */
    private static int readDoubleQuoted(String text, int start, StringBuilder cur) {
        int i = start + 1;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                char next = text.charAt(i + 1);
                if (next == '"' || next == '\\' || next == '$' || next == '`') {
                    cur.append(next);
                    i += 2;
                    continue;
                }
                if (next == '\n') {
                    i += 2;
                    continue;
                }
            }
            cur.append(c);
            i++;
        }
        throw new IllegalArgumentException("unclosed double quote at position " + start + " in: " + text);
    }
}
