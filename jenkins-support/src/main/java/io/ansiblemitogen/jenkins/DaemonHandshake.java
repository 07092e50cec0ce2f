package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** One {@code hello} on a fresh connection: is a compatible engine serving this socket? */
public final class DaemonHandshake {
    public static final String CLIENT = "jenkins";

    private DaemonHandshake() {
    }

    /**
     * @throws DaemonUnavailableException when nothing listens (start a daemon)
     * @throws IOException when something answers but not as a compatible engine (do not start another one)
     */
    public static EngineInfo hello(Path socket, Duration timeout) throws IOException {
        try (EngineClient c = EngineClient.connect(socket, timeout)) {
            return c.hello(CLIENT);
        }
    }
}
