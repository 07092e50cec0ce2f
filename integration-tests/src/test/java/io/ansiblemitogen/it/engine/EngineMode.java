package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.AnsibleEnvironment;
import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.cli.RoutingMode;
import io.ansiblemitogen.testkit.Mode;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A {@link Mode} that sends ansible-playbook through an engine running in this JVM. */
public final class EngineMode {
    private EngineMode() {
    }

    public static Mode of(EmbeddedEngine engine) throws IOException {
        return of("engine", engine);
    }

    /** The default routing (our strategies as accelerator, and the connection plugins). */
    public static Mode of(String name, EmbeddedEngine engine) throws IOException {
        return of(name, engine, RoutingMode.STRATEGY);
    }

    public static Mode of(String name, EmbeddedEngine engine, RoutingMode routing) throws IOException {
        Mode m = Mode.named(name);
        for (Map.Entry<String, String> e : AnsibleEnvironment.forEngine(engine.socket(), System.getenv(), routing)
                .entrySet()) {
            m = m.withEnv(e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * One mode per routing: "engine" (accelerated by our strategies) and "engine-conn" (connection plugins only,
     * no third-party strategy loaded: what still works when ansible-core stops loading them).
     */
    public static List<Mode> everyRouting(EmbeddedEngine engine) throws IOException {
        return List.of(of("engine", engine, RoutingMode.STRATEGY), of("engine-conn", engine, RoutingMode.CONNECTION));
    }

    /**
     * Requests the engine has served that needed a target connection, since it started (monotonic, unlike a
     * connection's own count, which a reset_connection starts again): a run whose tasks went through the engine
     * raises it by at least one per task.
     */
    public static long targetRequests(EmbeddedEngine engine) {
        return engine.engine().pool().openedCount() + engine.engine().pool().reusedCount();
    }
}
