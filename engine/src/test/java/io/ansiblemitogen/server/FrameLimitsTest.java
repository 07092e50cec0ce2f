package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.transport.TransportException;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** Requests near and over the engine protocol's limits: answered, never a closed socket. */
public class FrameLimitsTest {
    private static Path dir;
    private static EngineServer server;

    @BeforeClass
    public static void start() throws Exception {
        dir = Files.createTempDirectory("amlimits");
        Path sockDir = SocketDirs.ensurePrivate(dir.resolve("s"));
        server = new EngineServer(new Engine((target, via) -> {
            throw new TransportException("never reached");
        }), SocketDirs.socketIn(sockDir), 0).start();
    }

    @AfterClass
    public static void stop() throws IOException {
        server.stop();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static byte[] command(int chars) {
        return ("{\"op\":\"exec_command\",\"id\":3,\"target\":{\"host\":\"192.0.2.1\"},\"cmd\":\"" + "y".repeat(chars)
                + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    public void aStringPastJacksonsDefaultLimitIsRead() throws Exception {
        try (RequestFuzzTest.Client c = new RequestFuzzTest.Client(server.socket())) {
            // Jackson's default maximum string length is 20,000,000: this request used to close the socket.
            JsonNode r = c.exchange(command(25_000_000));
            assertEquals(String.valueOf(r), "unreachable", r.path("error").path("kind").asText());
            assertEquals(3, r.path("id").asInt());
            // Just under the frame limit.
            r = c.exchange(command(MessageIO.MAX_MESSAGE - 200));
            assertEquals(String.valueOf(r), "unreachable", r.path("error").path("kind").asText());
        }
    }

    @Test
    public void aFrameOverTheLimitIsAnsweredAndTheConnectionGoesOn() throws Exception {
        try (RequestFuzzTest.Client c = new RequestFuzzTest.Client(server.socket())) {
            JsonNode r = c.exchange(command(MessageIO.MAX_MESSAGE + 10));
            assertEquals(String.valueOf(r), "bad_request", r.path("error").path("kind").asText());
            assertTrue(r.toString(), r.path("error").path("msg").asText().contains("limit of 67108864 bytes"));
            assertTrue(c.exchangeOk("{\"op\":\"hello\",\"id\":1,\"protocol\":1}"));
        }
    }

    @Test
    public void theSocketIsTheOwnersOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
    }
}
