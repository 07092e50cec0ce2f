package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed fields of a request's JSON objects, read by hand into the request records (no data binding: see
 * {@link io.ansiblemitogen.wire.Json} for why). A missing or null field is null. The coercions are those Jackson's
 * data binding applied before: a number or boolean where text is expected becomes its text, a numeric string an
 * integer, "true"/"false" a boolean, an empty string null; anything else is {@link Malformed}, naming the field.
 * Fields nobody reads are ignored.
 */
public final class JsonFields {
    private final JsonNode node;

    private JsonFields(JsonNode node) {
        this.node = node;
    }

    /** The fields of {@code node}, which must be an object (or null: then {@code null} is returned). */
    public static JsonFields of(JsonNode node, String what) throws Malformed {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            throw new Malformed(what);
        }
        return new JsonFields(node);
    }

    public String text(String field) throws Malformed {
        JsonNode v = present(field);
        if (v == null) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        throw new Malformed(field);
    }

    public Integer integer(String field) throws Malformed {
        JsonNode v = present(field);
        if (v == null) {
            return null;
        }
        if (v.isNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            String s = v.textValue().trim();
            if (s.isEmpty()) {
                return null;
            }
            try {
                return Integer.valueOf(s);
            } catch (NumberFormatException e) {
                throw new Malformed(field);
            }
        }
        throw new Malformed(field);
    }

    public Boolean bool(String field) throws Malformed {
        JsonNode v = present(field);
        if (v == null) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.longValue() != 0;
        }
        if (v.isTextual()) {
            String s = v.textValue().trim();
            if (s.isEmpty()) {
                return null;
            }
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return Boolean.valueOf(s);
            }
        }
        throw new Malformed(field);
    }

    /** A JSON object of text values (numbers and booleans as their text), or null. */
    public Map<String, String> textMap(String field) throws Malformed {
        JsonNode v = present(field);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw new Malformed(field);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode x = e.getValue();
            if (x.isNull()) {
                throw new Malformed(field); // Map.copyOf refuses null values
            }
            if (!x.isTextual() && !x.isNumber() && !x.isBoolean()) {
                throw new Malformed(field);
            }
            out.put(e.getKey(), x.asText());
        }
        return out;
    }

    /** The field's value, or null when it is absent or JSON null. */
    private JsonNode present(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** The value as it is (any JSON), or null when absent. */
    public JsonNode raw(String field) {
        return node.get(field);
    }

    /** A JSON array of objects, each read by {@code reader}; null when absent. */
    public <T> List<T> objects(String field, Reader<T> reader) throws Malformed {
        JsonNode v = present(field);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw new Malformed(field);
        }
        List<T> out = new ArrayList<>();
        for (JsonNode e : v) {
            T t = reader.read(e);
            if (t == null) {
                throw new Malformed(field);
            }
            out.add(t);
        }
        return out;
    }

    /** Reads one record from a JSON object. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(JsonNode node) throws Malformed;
    }

    /** A field of the wrong type: the message names the field, never its value (it can be a secret). */
    public static final class Malformed extends Exception {
        private final String field;

        public Malformed(String field) {
            super("field '" + field + "' has the wrong type", null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
