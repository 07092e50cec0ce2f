package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.AnsibleEnvironment;
import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.testkit.Mode;

import java.io.IOException;
import java.util.Map;

/** A {@link Mode} that sends ansible-playbook through an engine running in this JVM. */
public final class EngineMode {
    private EngineMode() {
    }

    public static Mode of(EmbeddedEngine engine) throws IOException {
        return of("engine", engine);
    }

    public static Mode of(String name, EmbeddedEngine engine) throws IOException {
        Mode m = Mode.named(name);
        for (Map.Entry<String, String> e : AnsibleEnvironment.forEngine(engine.socket(), System.getenv()).entrySet()) {
            m = m.withEnv(e.getKey(), e.getValue());
        }
        return m;
    }
}
