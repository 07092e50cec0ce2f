package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.server.RequestHandler;
import io.ansiblemitogen.wire.Json;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** Losses in the middle of a task are called what they are (issue 21, item 5). */
public class LossWordingTest {
    @Test
    public void libraryInternalsAreLeftOut() {
        assertEquals("write failed: the channel was already closed", LossWording.plain(
                "write failed: Already closed: RemoteWindow[client](ChannelExec[id=0, recipient=0]-ClientSessionImpl"
                        + "[root@/127.0.0.1:2222])"));
        assertEquals("stream ended", LossWording.plain("stream ended"));
    }

    @Test
    public void anInterpreterKilledMidTaskIsNotAFailedConnect() throws Exception {
        try (Engine engine = new Engine(new DefaultTransports())) {
            RequestHandler h = new RequestHandler(engine, () -> { });
            // The command's parent is the agent's interpreter: the task kills it while the link stays up.
            JsonNode r = h.handle(Json.read("{\"op\":\"exec_command\",\"id\":1,\"cmd\":\"kill -9 $PPID; sleep 5\","
                    + "\"target\":{\"transport\":\"local\",\"inventory_name\":\"box\",\"host\":\"localhost\"}}"));
            String msg = r.path("error").path("msg").asText();
            assertEquals(r.toString(), "unreachable", r.path("error").path("kind").asText());
            assertFalse(msg, msg.contains("Failed to connect"));
            assertTrue(msg, msg.startsWith("The remote Python on box (local:localhost) ended during the task"));
        }
    }
}
