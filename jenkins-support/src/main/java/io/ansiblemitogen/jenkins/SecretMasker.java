package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces known secrets in a line of output by {@value #MASK}, in every form Ansible may print them
 * ({@link SecretForms}: literal, JSON-escaped, shell-quoted, base64). Needed because Jenkins masks only what it
 * echoes itself; what the child process prints (a module that echoes a password) passes through unmasked.
 */
public final class SecretMasker implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String MASK = "****";
    private final Pattern pattern;

    public SecretMasker(Collection<String> secrets) {
        Set<String> parts = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s == null) {
                continue;
            }
            parts.addAll(SecretForms.of(s));
        }
        // Longest first, so a secret that contains another is masked whole.
        pattern = parts.isEmpty() ? null : Pattern.compile(parts.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|")));
    }

    public String mask(String line) {
        if (pattern == null || line.isEmpty()) {
            return line;
        }
        return pattern.matcher(line).replaceAll(Matcher.quoteReplacement(MASK));
    }
}
