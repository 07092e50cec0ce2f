package io.ansiblemitogen.jenkins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes extra vars as one JSON object for {@code -e @file}. Lists and maps stay intact (the old plugin dropped
 * them), numbers and booleans keep their type, and {@link SecretValue}s are written in plain text because the
 * file is private (see {@link SecretFiles}); {@link #secrets} lists them for masking.
 */
public final class ExtraVarsEncoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExtraVarsEncoder() {
    }

    public static String toJson(Map<String, ?> vars) {
        try {
            return JSON.writeValueAsString(plain(vars));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("extraVars cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Every secret string inside {@code vars}, at any depth. */
    public static Set<String> secrets(Map<String, ?> vars) {
        Set<String> out = new LinkedHashSet<>();
        collectSecrets(vars, out);
        return out;
    }

    private static void collectSecrets(Object v, Set<String> out) {
        if (v instanceof SecretValue s) {
            out.add(s.plainText());
        } else if (v instanceof Map<?, ?> m) {
            m.values().forEach(x -> collectSecrets(x, out));
        } else if (v instanceof Collection<?> c) {
            c.forEach(x -> collectSecrets(x, out));
        }
    }

    private static Object plain(Object v) {
        if (v instanceof SecretValue s) {
            return s.plainText();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(x -> out.add(plain(x)));
            return out;
        }
        return v;
    }
}
