package io.jenkins.plugins.ansiblemitogen;

import hudson.util.Secret;
import io.ansiblemitogen.jenkins.SecretValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Replaces {@link Secret}s anywhere in Pipeline extra vars by jenkins-support's {@link SecretValue}. */
final class ExtraVarsConverter {
    private ExtraVarsConverter() {
    }

    static Map<String, Object> convert(Map<?, ?> vars) {
        if (vars == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        vars.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
        return out;
    }

    private static Object value(Object v) {
        if (v instanceof Secret s) {
            return new SecretValue(s.getPlainText());
        }
        if (v instanceof Map<?, ?> m) {
            return convert(m);
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(x -> out.add(value(x)));
            return out;
        }
        return v;
    }
}
