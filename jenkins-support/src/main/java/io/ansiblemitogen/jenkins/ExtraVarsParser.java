package io.ansiblemitogen.jenkins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads extra vars written as a JSON object, the form the freestyle step's text area takes (a Map cannot be
 * edited in a Jenkins form). Numbers, booleans, lists and maps keep their JSON types.
 */
public final class ExtraVarsParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExtraVarsParser() {
    }

    /** An empty map for {@code null} or blank text. */
    public static Map<String, Object> parse(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("extraVars is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("extraVars must be a JSON object, e.g. {\"packages\": [\"nginx\"]}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JSON.convertValue(n, LinkedHashMap.class);
        return m;
    }

    /** For form validation: {@code null} when fine, else the problem. */
    public static String check(String text) {
        try {
            return OptionsValidator.checkExtraVars(parse(text)).stream().findFirst().orElse(null);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
