package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.transport.TransportException;
import io.ansiblemitogen.wire.Json;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The request reader and the request checks at the edge, fed valid requests, the same requests with a field
 * dropped, retyped or replaced, and random bytes: every frame must get a reply that is a result or an error of a
 * kind the client can act on (never {@code internal}: that is a bug, such as a missing field reaching the engine
 * as a null), and the daemon must go on serving. Targets are never reached: the transport factory refuses every
 * one (no network, no local commands), so a request that passes the checks ends as {@code unreachable}.
 */
public class RequestFuzzTest {
    private static final Set<String> ACCEPTED_KINDS = Set.of("bad_request", "unreachable", "failed", "need_zip");
    private static Path dir;
    private static EngineServer server;

    @BeforeClass
    public static void start() throws Exception {
        dir = Files.createTempDirectory("amfuzz");
        Path sockDir = dir.resolve("s");
        SocketDirs.ensurePrivate(sockDir);
        Engine engine = new Engine((target, via) -> {
            throw new TransportException("fuzz targets are never reached");
        });
        server = new EngineServer(engine, SocketDirs.socketIn(sockDir), 0).start();
    }

    @AfterClass
    public static void stop() throws IOException {
        server.stop();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static List<ObjectNode> seeds() throws IOException {
        String target = "{\"transport\":\"ssh\",\"inventory_name\":\"h1\",\"host\":\"192.0.2.1\",\"port\":22,"
                + "\"user\":\"u\",\"timeout\":1,\"host_key_checking\":true,\"python\":\"/usr/bin/python3\","
                + "\"via\":[{\"host\":\"192.0.2.2\",\"port\":2222}]}";
        String become = "{\"method\":\"sudo\",\"user\":\"root\",\"password\":\"pw\",\"flags\":\"-H -S -n\"}";
        String module = "{\"interpreter\":\"/usr/bin/python3\",\"fqn\":\"ansible.modules.command\","
                + "\"zip_b64\":\"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\",\"zip_sha1\":\"ab\",\"params\":\"{}\","
                + "\"isolation\":\"fork\",\"env\":{\"A\":\"1\"},\"cwd\":\"/tmp\"}";
        List<String> texts = List.of(
                "{\"op\":\"hello\",\"id\":1,\"protocol\":1,\"client\":\"fuzz\"}",
                "{\"op\":\"exec_module\",\"id\":2,\"target\":" + target + ",\"become\":" + become + ",\"module\":"
                        + module + "}",
                "{\"op\":\"exec_command\",\"id\":3,\"target\":" + target + ",\"become\":null,\"cmd\":\"echo hi\","
                        + "\"stdin_b64\":\"aGk=\",\"chdir\":\"/tmp\",\"pty\":false,\"pre\":[\"true\"],\"after\":[1]}",
                "{\"op\":\"put_file\",\"id\":4,\"target\":" + target + ",\"become\":null,\"src\":\"/nonexistent/a\","
                        + "\"dst\":\"/tmp/b\",\"mode\":\"0644\",\"detach\":true,\"digests\":[\"sha1\"]}",
                "{\"op\":\"fetch_file\",\"id\":5,\"target\":" + target + ",\"become\":null,\"src\":\"/etc/hostname\","
                        + "\"dst\":\"/nonexistent/x\"}",
                "{\"op\":\"sync\",\"id\":6,\"target\":" + target + ",\"tokens\":[1,2]}",
                "{\"op\":\"reset\",\"id\":7,\"target\":" + target + "}",
                "{\"op\":\"pool_status\",\"id\":8}");
        List<ObjectNode> out = new ArrayList<>();
        for (String t : texts) {
            out.add((ObjectNode) Json.read(t));
        }
        return out;
    }

    /** Values of other types (and odd ones of the same) for a field. */
    private static final List<String> REPLACEMENTS = List.of("null", "0", "-1", "2147483648", "1e400", "true", "\"\"",
            "\" \"", "\"x\"", "[]", "[null]", "[{}]", "{}", "{\"host\":null}", "\"\\u0000\"", "99999999999999999999",
            "[\"a\",1]", "{\"a\":{}}", "\"0777777\"", "\"!!!\"");

    /** Every field of the tree (at any depth) dropped, then replaced by each replacement. */
    static List<ObjectNode> mutations(ObjectNode seed) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        for (List<Object> path : paths(seed, new ArrayList<>())) {
            out.add(mutate(seed, path, null));
            for (String r : REPLACEMENTS) {
                out.add(mutate(seed, path, Json.read(r)));
            }
        }
        return out;
    }

    private static List<List<Object>> paths(JsonNode n, List<Object> prefix) {
        List<List<Object>> out = new ArrayList<>();
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<Object> p = new ArrayList<>(prefix);
                p.add(e.getKey());
                out.add(p);
                out.addAll(paths(e.getValue(), p));
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                List<Object> p = new ArrayList<>(prefix);
                p.add(i);
                out.add(p);
                out.addAll(paths(n.get(i), p));
            }
        }
        return out;
    }

    /** A copy of seed with the node at path removed (value null) or replaced. */
    private static ObjectNode mutate(ObjectNode seed, List<Object> path, JsonNode value) {
        ObjectNode copy = seed.deepCopy();
        JsonNode parent = copy;
        for (int i = 0; i < path.size() - 1; i++) {
            Object k = path.get(i);
            parent = k instanceof String s ? parent.get(s) : parent.get((Integer) k);
        }
        Object last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (value == null) {
                o.remove((String) last);
            } else {
                o.set((String) last, value);
            }
        } else {
            ArrayNode a = (ArrayNode) parent;
            if (value == null) {
                a.remove((Integer) last);
            } else {
                a.set((Integer) last, value);
            }
        }
        return copy;
    }

    @Test
    public void everyMutatedRequestIsAnsweredAndTheDaemonGoesOn() throws Exception {
        List<String> problems = new ArrayList<>();
        int answered = 0;
        try (Client c = new Client(server.socket())) {
            for (ObjectNode seed : seeds()) {
                for (ObjectNode req : mutations(seed)) {
                    byte[] body = Json.write(req);
                    JsonNode reply = c.exchange(body);
                    answered++;
                    String problem = problem(reply);
                    if (problem != null) {
                        problems.add(problem + " for " + new String(body, StandardCharsets.UTF_8));
                    }
                }
            }
            assertTrue(c.exchangeOk("{\"op\":\"hello\",\"id\":1,\"protocol\":1}"));
        }
        assertTrue("answered only " + answered, answered > 500);
        assertEquals("replies that were neither a result nor an actionable error:\n" + String.join("\n", problems),
                0, problems.size());
    }

    @Test
    public void randomAndCorruptedFramesAreAnsweredWithBadRequest() throws Exception {
        Random rnd = new Random(21);
        List<byte[]> bodies = new ArrayList<>();
        for (ObjectNode seed : seeds()) {
            byte[] valid = Json.write(seed);
            for (int i = 0; i < 40; i++) {
                byte[] b = valid.clone();
                for (int flips = 1 + rnd.nextInt(4); flips > 0; flips--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                bodies.add(b);
                bodies.add(java.util.Arrays.copyOf(valid, rnd.nextInt(valid.length))); // cut short
            }
        }
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[rnd.nextInt(300)];
            rnd.nextBytes(b);
            bodies.add(b);
        }
        bodies.add("[".repeat(5000).getBytes(StandardCharsets.US_ASCII)); // nested past the parser's depth
        bodies.add("[1,2]".getBytes(StandardCharsets.US_ASCII));
        bodies.add("\"text\"".getBytes(StandardCharsets.US_ASCII));
        List<String> problems = new ArrayList<>();
        try (Client c = new Client(server.socket())) {
            for (byte[] b : bodies) {
                JsonNode reply = c.exchange(b);
                String problem = problem(reply);
                if (problem != null) {
                    problems.add(problem + " for " + new String(b, StandardCharsets.ISO_8859_1));
                }
            }
            assertTrue(c.exchangeOk("{\"op\":\"hello\",\"id\":1,\"protocol\":1}"));
        }
        assertEquals(String.join("\n", problems), 0, problems.size());
    }

    @Test
    public void aRequestWithoutAHostNamesTheMissingField() throws Exception {
        try (Client c = new Client(server.socket())) {
            JsonNode r = c.exchange("{\"op\":\"exec_command\",\"id\":4,\"target\":{},\"cmd\":\"true\"}"
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(r.toString(), "bad_request", r.path("error").path("kind").asText());
            assertTrue(r.toString(), r.path("error").path("msg").asText().contains("'target.host'"));
            assertEquals(4, r.path("id").asInt());
            JsonNode hop = c.exchange(("{\"op\":\"reset\",\"id\":5,\"target\":{\"host\":\"h\",\"via\":[{\"port\":22}]}}")
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(hop.toString(), "bad_request", hop.path("error").path("kind").asText());
            assertTrue(hop.toString(), hop.path("error").path("msg").asText().contains("'target.via[0].host'"));
        }
    }

    /** Null if the reply is a result or an actionable error. */
    private static String problem(JsonNode reply) {
        if (reply == null) {
            return "no reply (connection closed)";
        }
        if (!reply.has("ok")) {
            return "reply without ok: " + reply;
        }
        if (reply.path("ok").asBoolean()) {
            return null;
        }
        String kind = reply.path("error").path("kind").asText();
        if (!ACCEPTED_KINDS.contains(kind)) {
            return "kind " + kind + " (" + reply.path("error").path("msg").asText() + ")";
        }
        if (reply.path("error").path("msg").asText().isBlank()) {
            return "error without a message";
        }
        return null;
    }

    /** A raw protocol client: sends any bytes as a frame, reads one reply frame. */
    static final class Client implements AutoCloseable {
        private final SocketChannel ch;
        private final OutputStream out;
        private final DataInputStream in;

        Client(Path socket) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            out = Channels.newOutputStream(ch);
            InputStream raw = Channels.newInputStream(ch);
            in = new DataInputStream(raw);
        }

        void send(byte[] body) throws IOException {
            out.write(ByteBuffer.allocate(4).putInt(body.length).array());
            out.write(body);
            out.flush();
        }

        /** The reply, or null if the engine closed the connection instead. */
        JsonNode exchange(byte[] body) throws IOException {
            send(body);
            return readReply();
        }

        JsonNode readReply() throws IOException {
            int len;
            try {
                len = in.readInt();
            } catch (java.io.EOFException e) {
                return null;
            }
            byte[] b = new byte[len];
            in.readFully(b);
            return Json.read(b);
        }

        boolean exchangeOk(String json) throws IOException {
            JsonNode r = exchange(json.getBytes(StandardCharsets.UTF_8));
            assertNotNull("the engine closed the connection", r);
            if (!r.path("ok").asBoolean()) {
                fail(r.toString());
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
