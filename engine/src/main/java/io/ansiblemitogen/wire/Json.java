package io.ansiblemitogen.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON of the engine's two protocols (frame headers, plugin messages): trees read and written with Jackson's
 * streaming parser and generator, without an {@link ObjectMapper}.
 *
 * <p>Why not the mapper: in a one-run engine JVM (C1 only, see docs/architecture.md "Start-up of a run") setting up
 * ObjectMapper and its first {@code readTree} cost ~170 ms of CPU, and binding the request records ~80 ms more,
 * nearly all of it run once and interpreted; the same tree read and written here costs ~20 ms the first time. Per
 * message the two are alike. The output is the mapper's: compact JSON, fields in insertion order.
 */
public final class Json {
    /**
     * A string can be as long as the largest frame either protocol carries ({@link FrameCodec#MAX_FRAME}); the frame
     * limits are the real bounds. Jackson's default (20,000,000 characters) cut a module argument of 20 MB short:
     * the request failed where stock Ansible succeeds. Nesting is bounded by {@link #MAX_DEPTH} below.
     */
    public static final int MAX_STRING = FrameCodec.MAX_FRAME;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING).build()).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Nesting deeper than this is a corrupt or hostile message, not one of ours (and would exhaust the stack). */
    private static final int MAX_DEPTH = 200;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** One JSON value from {@code len} bytes at {@code off}; what follows the value is ignored, as readTree does. */
    public static JsonNode read(byte[] bytes, int off, int len) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes, off, len)) {
            if (p.nextToken() == null) {
                throw new JsonParseException(p, "no JSON value");
            }
            return value(p, 0);
        }
    }

    public static JsonNode read(byte[] bytes) throws IOException {
        return read(bytes, 0, bytes.length);
    }

    public static JsonNode read(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new JsonParseException(p, "no JSON value");
            }
            return value(p, 0);
        }
    }

    /** A JSON object, or an IOException naming what came instead. */
    public static ObjectNode readObject(byte[] bytes, int off, int len) throws IOException {
        JsonNode n = read(bytes, off, len);
        if (!(n instanceof ObjectNode o)) {
            throw new IOException("expected a JSON object, got " + n.getNodeType().name().toLowerCase());
        }
        return o;
    }

    private static JsonNode value(JsonParser p, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new JsonParseException(p, "JSON nested deeper than " + MAX_DEPTH);
        }
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    o.set(name, value(p, depth + 1));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(value(p, depth + 1));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(p, "unexpected " + p.currentToken());
        }
    }

    /** Compact UTF-8 JSON of a tree built from the node types {@link #read} makes (and binary, as base64). */
    public static byte[] write(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode c : n) {
                    write(g, c);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
                    default -> g.writeNumber(n.doubleValue());
                }
            }
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL, MISSING -> g.writeNull();
            case BINARY -> g.writeBinary(n.binaryValue());
            default -> g.writeRawValue(mapper().writeValueAsString(n)); // POJO nodes: not on the engine's paths
        }
    }

    /**
     * A full ObjectMapper, made on first use: for tests and for paths that bind or convert objects. The engine's
     * message paths do not use it.
     */
    public static ObjectMapper mapper() {
        return MapperHolder.MAPPER;
    }

    private static final class MapperHolder {
        static final ObjectMapper MAPPER = new ObjectMapper(FACTORY.copy())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }
}
