package io.ansiblemitogen.jenkins;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Every form in which a secret can show up in Ansible's output, for {@link SecretMasker}; the same idea as
 * credentials-binding's per-shell secret patterns, for the forms Ansible produces:
 * <ul>
 * <li>the literal text, line by line (output is masked per line);</li>
 * <li>shell-quoted: inside single quotes ({@code '\''} and Python's {@code shlex.quote} {@code '"'"'}), inside
 * double quotes, and backslash-escaped (bash's {@code printf %q});</li>
 * <li>each of those JSON-escaped, as Python's {@code json.dumps} writes it: with {@code ensure_ascii}
 * (non-ASCII as {@code \}{@code uXXXX}, the {@code to_json} filter) and without (Ansible's callbacks), and
 * escaped again up to three levels deep (JSON inside JSON strings);</li>
 * <li>base64 (the {@code slurp} module, {@code b64encode}): the whole secret, padded, unpadded and URL-safe, and
 * for a secret inside a longer encoded text, at each of the three byte alignments, the characters that only the
 * secret determines (when they are at least {@value #MIN_BASE64_CORE}, so short cores do not mask noise).</li>
 * </ul>
 */
public final class SecretForms {
    static final int MIN_BASE64_CORE = 8;
    private static final String SHELL_SPECIAL = " \t!\"#$&'()*,;<>?[\\]^`{|}~";

    private SecretForms() {
    }

    public static Set<String> of(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        if (secret.isBlank()) {
            return forms;
        }
        // Output is masked line by line, so the lines of a multi-line secret are masked one by one.
        for (String line : secret.split("\r?\n")) {
            if (!line.isBlank()) {
                forms.addAll(shellForms(line));
            }
        }
        // Any of these may then be JSON-escaped, up to three times: a quoted value in a result (once), a
        // to_json value in a result (twice), a to_json value in a module's JSON stdout in a result (three times).
        Set<String> escaped = new LinkedHashSet<>();
        for (String f : shellForms(secret)) {
            Set<String> level = new LinkedHashSet<>(java.util.List.of(json(f, false), json(f, true)));
            for (int depth = 1; depth <= 3; depth++) {
                escaped.addAll(level);
                Set<String> next = new LinkedHashSet<>();
                level.forEach(x -> next.add(json(x, false)));
                level = next;
            }
        }
        forms.addAll(escaped);
        base64(secret.getBytes(StandardCharsets.UTF_8), forms);
        forms.removeIf(String::isBlank);
        return forms;
    }

    /** The secret and how a shell quotes it: '\'' and shlex.quote's '"'"', double quotes, printf %q. */
    private static Set<String> shellForms(String s) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(s);
        forms.add(s.replace("'", "'\\''"));
        forms.add(s.replace("'", "'\"'\"'"));
        forms.add(doubleQuoted(s));
        forms.add(backslashed(s));
        return forms;
    }

    /** The inside of a JSON string, as Python's json.dumps escapes it. */
    static String json(String s, boolean ensureAscii) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        b.append(String.format("\\u%04x", (int) c)); // a surrogate pair stays two escapes
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String doubleQuoted(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("$`\"\\".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String backslashed(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (SHELL_SPECIAL.indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static void base64(byte[] bytes, Set<String> forms) {
        Base64.Encoder std = Base64.getEncoder();
        forms.add(std.encodeToString(bytes));
        forms.add(std.withoutPadding().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        // Inside a longer text, the secret starts at offset 0, 1 or 2 of a 3-byte group. Skip the bytes that share
        // a group with unknown text before, cut at the last whole group: those characters appear as they are.
        for (int skip = 0; skip < 3; skip++) {
            int whole = (bytes.length - skip) / 3 * 3;
            if (whole <= 0) {
                continue;
            }
            String core = std.encodeToString(Arrays.copyOfRange(bytes, skip, skip + whole));
            if (core.length() >= MIN_BASE64_CORE) {
                forms.add(core);
            }
        }
    }
}
