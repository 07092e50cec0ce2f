package io.ansiblemitogen.cli;

import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.server.EngineServer;
import io.ansiblemitogen.server.SocketDirs;
import io.ansiblemitogen.server.WarmUp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An engine that lives as long as one CLI run, on a socket in a fresh private directory. */
public final class EmbeddedEngine implements AutoCloseable {
    private final Path dir;
    private final EngineServer server;
    private final Engine engine;

    public EmbeddedEngine() throws IOException {
        dir = Files.createTempDirectory("ansible-mitogen-");
        SocketDirs.ensurePrivate(dir);
        engine = new Engine(new DefaultTransports());
        WarmUp.start(engine);
        server = new EngineServer(engine, SocketDirs.socketIn(dir), 0).start();
    }

    public Path socket() {
        return server.socket();
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public void close() {
        server.stop();
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A leftover empty temp dir is harmless.
        }
    }
}
