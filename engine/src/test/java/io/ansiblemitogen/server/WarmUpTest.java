package io.ansiblemitogen.server;

import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

public class WarmUpTest {
    @Test
    public void warmingUpOpensNoConnectionAndLeavesTheEngineServing() throws Exception {
        try (Engine engine = new Engine(new DefaultTransports())) {
            Thread t = WarmUp.start(engine);
            t.join(60_000);
            assertFalse("warm-up finished", t.isAlive());
            assertEquals(0, engine.pool().openedCount());
            assertTrue(engine.pool().snapshot().isEmpty());
            var reply = new RequestHandler(engine, () -> { })
                    .handle(io.ansiblemitogen.wire.Json.mapper().readTree("{\"op\":\"hello\",\"id\":7,\"protocol\":1}"));
            assertTrue(reply.toString(), reply.path("ok").asBoolean());
            assertTrue(reply.toString(), reply.path("features").toString().contains("module_by_digest"));
        }
    }
}
