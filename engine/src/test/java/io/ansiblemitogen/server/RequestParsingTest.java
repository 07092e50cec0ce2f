package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.JsonFields;
import io.ansiblemitogen.engine.ModuleRequest;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.wire.Json;
import org.junit.Test;

import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * The request records read by hand (JsonFields) against Jackson's data binding of the same records, which they
 * replace on the engine's request path: the same values, the same coercions, and a clear error otherwise.
 */
public class RequestParsingTest {
    private static JsonNode json(String s) throws Exception {
        return Json.read(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    public void theSameRecordsAsDataBinding() throws Exception {
        List<String> targets = List.of(
                "{\"transport\":\"ssh\",\"inventory_name\":\"h1\",\"host\":\"10.0.0.1\",\"port\":2222,\"user\":\"u\","
                        + "\"password\":\"p\",\"private_key_file\":\"~/.ssh/k\",\"private_key_passphrase\":null,"
                        + "\"ssh_args\":\"-C\",\"ssh_common_args\":\"\",\"ssh_extra_args\":\"-o A=b\",\"timeout\":10,"
                        + "\"host_key_checking\":false,\"python\":\"/usr/bin/python3\",\"unknown\":[1],"
                        + "\"via\":[{\"host\":\"bastion\",\"port\":\"22\",\"via\":[{\"host\":\"outer\"}]}]}",
                "{\"host\":\"h\",\"port\":22.0,\"timeout\":\"\",\"host_key_checking\":\"True\"}",
                "{\"host\":7,\"user\":true,\"host_key_checking\":1}",
                "{}");
        for (String t : targets) {
            assertEquals(t, Json.mapper().treeToValue(json(t), TargetSpec.class), TargetSpec.fromJson(json(t)));
        }
        String become = "{\"method\":\"sudo\",\"user\":\"root\",\"password\":\"s3cret\",\"flags\":\"-H -S -n\",\"x\":1}";
        assertEquals(Json.mapper().treeToValue(json(become), BecomeSpec.class), BecomeSpec.fromJson(json(become)));
        String module = "{\"interpreter\":\"/usr/bin/python3\",\"fqn\":\"ansible.modules.command\",\"zip_sha1\":\"ab\","
                + "\"params\":\"{}\",\"isolation\":\"fork\",\"env\":{\"A\":\"1\",\"B\":2},\"cwd\":\"/tmp\","
                + "\"runner\":\"loader\",\"profile\":\"legacy\",\"extensions\":{\"x\":[1]},\"secrets\":[\"s3cret\"]}";
        assertEquals(Json.mapper().treeToValue(json(module), ModuleRequest.class),
                ModuleRequest.fromJson(json(module)));
        ModuleRequest bare = ModuleRequest.fromJson(json("{\"fqn\":\"m\",\"extensions\":null}"));
        assertEquals(Map.of(), bare.env());
        assertEquals("runpy", bare.runner());
        assertEquals("isolated", bare.isolation());
        assertNull(bare.extensions());
        assertNull(bare.secrets());
        assertThrows(JsonFields.Malformed.class, () -> ModuleRequest.fromJson(json("{\"fqn\":\"m\",\"secrets\":[1]}")));
        assertThrows(JsonFields.Malformed.class, () -> ModuleRequest.fromJson(json("{\"fqn\":\"m\",\"secrets\":\"x\"}")));
        assertNull(TargetSpec.fromJson(json("null")));
        assertNull(BecomeSpec.fromJson(null));
    }

    @Test
    public void aFieldOfTheWrongTypeIsNamedAndItsValueIsNot() throws Exception {
        for (String[] c : new String[][] {{"{\"port\":{\"a\":1}}", "port"}, {"{\"port\":\"twenty\"}", "port"},
            {"{\"host_key_checking\":\"maybe\"}", "host_key_checking"}, {"{\"password\":[\"s3cret\"]}", "password"},
            {"{\"via\":{}}", "via"}, {"{\"via\":[null]}", "via"}}) {
            JsonFields.Malformed e = assertThrows(c[0], JsonFields.Malformed.class, () -> TargetSpec.fromJson(json(c[0])));
            assertEquals(c[0], c[1], e.field());
        }
        assertThrows(JsonFields.Malformed.class, () -> ModuleRequest.fromJson(json("{\"env\":{\"A\":{}}}")));
        assertThrows(JsonFields.Malformed.class, () -> ModuleRequest.fromJson(json("{\"env\":[]}")));
        assertThrows(JsonFields.Malformed.class, () -> BecomeSpec.fromJson(json("\"sudo\"")));

        try (Engine engine = new Engine((spec, via) -> new LocalTransport())) {
            RequestHandler h = new RequestHandler(engine, () -> { });
            JsonNode reply = h.handle(json("{\"op\":\"exec_command\",\"id\":3,\"cmd\":\"true\","
                    + "\"target\":{\"transport\":\"local\",\"host\":\"localhost\",\"password\":{\"v\":\"s3cret\"}}}"));
            assertFalse(reply.toString(), reply.path("ok").asBoolean(true));
            String msg = reply.path("error").path("msg").asText();
            assertEquals("malformed 'target' in request: field 'password' has the wrong type", msg);
            assertEquals("bad_request", reply.path("error").path("kind").asText());
            assertFalse(Json.read(Json.write(reply)).toString().contains("s3cret"));
            assertTrue(reply.path("id").asInt() == 3);
        }
    }
}
