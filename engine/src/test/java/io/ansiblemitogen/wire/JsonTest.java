package io.ansiblemitogen.wire;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** The streaming reader and writer against ObjectMapper's readTree and writeValueAsBytes, which they replace. */
public class JsonTest {
    private static final List<String> SAMPLES = List.of(
            "{}", "[]", "null", "true", "0", "-7", "2147483648", "-9223372036854775808", "123456789012345678901234567890",
            "1.5", "-2.5e-300", "1e308", "\"\"",
            "{\"op\":\"exec_module\",\"id\":12,\"target\":{\"port\":null,\"via\":[{\"host\":\"b\"}],\"ok\":true},"
                    + "\"module\":{\"params\":\"{\\\"ANSIBLE_MODULE_ARGS\\\": {\\\"x\\\": \\\"\\\\u00e9\\\"}}\"}}",
            "{\"s\":\"tab\\there \\\"quoted\\\" back\\\\slash \\u0001 \\u00e9 \\ud83d\\ude00 / \\/\"}",
            "{\"a\":1,\"a\":2}", "  {\"lead\": [1, [2, [3, {}]]], \"f\": false}  ",
            "{\"k\":\"" + "x".repeat(70_000) + "\"}");

    @Test
    public void readsAndWritesWhatTheMapperDoes() throws Exception {
        for (String s : SAMPLES) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            JsonNode ours = Json.read(b);
            JsonNode theirs = Json.mapper().readTree(b);
            assertEquals(s, theirs, ours);
            assertEquals(s, theirs.getNodeType(), ours.getNodeType());
            assertArrayEquals(s, Json.mapper().writeValueAsBytes(theirs), Json.write(ours));
            assertEquals(s, ours, Json.read(new String(b, StandardCharsets.UTF_8)));
        }
    }

    @Test
    public void readsAValueInsideALargerBuffer() throws Exception {
        byte[] b = "xx{\"a\":[1,2]}yy".getBytes(StandardCharsets.UTF_8);
        assertEquals(Json.mapper().readTree("{\"a\":[1,2]}"), Json.readObject(b, 2, 11));
    }

    @Test
    public void randomTreesRoundTrip() throws Exception {
        Random r = new Random(4);
        for (int i = 0; i < 200; i++) {
            JsonNode tree = Json.mapper().readTree(randomJson(r, 0));
            byte[] ours = Json.write(tree);
            assertArrayEquals(Json.mapper().writeValueAsBytes(tree), ours);
            assertEquals(tree, Json.read(ours));
        }
    }

    @Test
    public void malformedInputIsAnIOException() {
        for (String bad : List.of("", "   ", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "nul", "\"open", "{\"a\":1,}")) {
            assertThrows(bad, IOException.class, () -> Json.read(bad.getBytes(StandardCharsets.UTF_8)));
        }
        IOException e = assertThrows(IOException.class, () -> Json.readObject("[1]".getBytes(), 0, 3));
        assertTrue(e.getMessage(), e.getMessage().contains("expected a JSON object, got array"));
        String deep = "[".repeat(500) + "]".repeat(500);
        assertThrows(IOException.class, () -> Json.read(deep.getBytes(StandardCharsets.UTF_8)));
    }

    private static String randomJson(Random r, int depth) {
        int kind = depth > 3 ? 2 + r.nextInt(5) : r.nextInt(7);
        switch (kind) {
            case 0: {
                StringBuilder b = new StringBuilder("{");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? "," : "").append('"').append("k").append(r.nextInt(9)).append("\":")
                            .append(randomJson(r, depth + 1));
                }
                return b.append('}').toString();
            }
            case 1: {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? "," : "").append(randomJson(r, depth + 1));
                }
                return b.append(']').toString();
            }
            case 2:
                return Long.toString(r.nextLong() >> r.nextInt(64));
            case 3:
                return Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
            case 4:
                return r.nextBoolean() ? "true" : "null";
            default: {
                StringBuilder b = new StringBuilder("\"");
                for (int i = 0, n = r.nextInt(12); i < n; i++) {
                    char c = (char) (r.nextInt(3) == 0 ? r.nextInt(0x2000) : 32 + r.nextInt(95));
                    if (c == '"' || c == '\\') {
                        b.append('\\');
                    }
                    if (c < 32 || Character.isSurrogate(c)) {
                        b.append(String.format("\\u%04x", (int) c & 0x7f | 0x20));
                    } else {
                        b.append(c);
                    }
                }
                return b.append('"').toString();
            }
        }
    }
}
