package io.ansiblemitogen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.wire.Json;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** The engine protocol over a real Unix socket, as the Ansible plugin speaks it. */
public class EmbeddedEngineTest {

    private static ObjectNode localTarget() {
        ObjectNode t = Json.object().put("transport", "local").put("inventory_name", "box").put("host", "localhost");
        return t;
    }

    @Test
    public void socketDirectoryIsPrivate() throws Exception {
        try (EmbeddedEngine e = new EmbeddedEngine()) {
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(e.socket().getParent())));
        }
    }

    @Test
    public void execCommandAndPoolStatusOverTheSocket() throws Exception {
        try (EmbeddedEngine e = new EmbeddedEngine(); EngineClient c = EngineClient.connect(e.socket())) {
            ObjectNode req = Json.object().put("op", "exec_command").put("cmd", "cat; echo done")
                    .put("stdin_b64", Base64.getEncoder().encodeToString("in\n".getBytes(StandardCharsets.UTF_8)));
            req.set("target", localTarget());
            JsonNode r = c.request(req);
            assertTrue(r.toString(), r.path("ok").asBoolean());
            assertEquals("in\ndone\n", new String(Base64.getDecoder().decode(r.path("stdout_b64").asText()),
                    StandardCharsets.UTF_8));
            JsonNode st = c.request(Json.object().put("op", "pool_status"));
            assertEquals(1, st.path("targets").size());
            assertEquals("box", st.path("targets").get(0).path("host").asText());
            assertEquals(1, st.path("connections_opened").asInt());
        }
    }

    @Test
    public void badRequestsAreAnsweredAndTheEngineKeepsServing() throws Exception {
        try (EmbeddedEngine e = new EmbeddedEngine(); EngineClient c = EngineClient.connect(e.socket())) {
            JsonNode r = c.request(Json.object().put("op", "frobnicate"));
            assertFalse(r.path("ok").asBoolean());
            assertEquals("bad_request", r.path("error").path("kind").asText());
            ObjectNode bad = Json.object().put("op", "exec_command").put("cmd", "true");
            bad.set("target", localTarget().put("port", "not-a-number"));
            r = c.request(bad);
            assertEquals("bad_request", r.path("error").path("kind").asText());
            assertTrue(r.toString(), r.path("error").path("msg").asText().contains("port"));
            ObjectNode ssh = Json.object().put("op", "exec_command").put("cmd", "true");
            ssh.set("target", Json.object().put("transport", "telnet").put("host", "h1"));
            r = c.request(ssh);
            assertEquals("an unknown connection type is the request's fault", "bad_request",
                    r.path("error").path("kind").asText());
            assertTrue(r.toString(), r.path("error").path("msg").asText().contains("telnet"));
            ObjectNode ok = Json.object().put("op", "exec_command").put("cmd", "true");
            ok.set("target", localTarget());
            assertTrue(c.request(ok).path("ok").asBoolean());
        }
    }

    @Test
    public void closingLeavesNothingButAnnouncedDebugFiles() throws Exception {
        EmbeddedEngine plain = new EmbeddedEngine();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(plain.socket())));
        java.nio.file.Path dir = plain.socket().getParent();
        Files.createDirectories(dir.resolve("debug")); // made, then never written to
        plain.close();
        assertFalse("the run's private directory was left behind", Files.exists(dir));
        assertEquals(null, plain.keptDebugDir());

        EmbeddedEngine debugged = new EmbeddedEngine();
        java.nio.file.Path debug = debugged.socket().getParent().resolve("debug");
        Files.createDirectories(debug);
        Files.writeString(debug.resolve("box.1.ctx1.log"), "frames\n");
        debugged.close();
        try {
            assertEquals(debug, debugged.keptDebugDir());
            assertFalse(Files.exists(debugged.socket()));
            assertTrue(Files.exists(debug.resolve("box.1.ctx1.log")));
        } finally {
            Files.delete(debug.resolve("box.1.ctx1.log"));
            Files.delete(debug);
            Files.delete(debug.getParent());
        }
    }
}
