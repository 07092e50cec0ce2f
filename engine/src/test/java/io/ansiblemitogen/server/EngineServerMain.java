package io.ansiblemitogen.server;

import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.transport.TransportException;

import java.nio.file.Path;

/**
 * An engine server in a JVM of its own, for tests that need to change what only a whole process can have: its
 * heap size, its open-files limit. Its targets are never reached (every connection is refused). Prints
 * {@code ready} once it listens on {@code DIR/engine.sock}.
 */
public final class EngineServerMain {
    private EngineServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = SocketDirs.ensurePrivate(Path.of(args[0]));
        Engine engine = new Engine((target, via) -> {
            throw new TransportException("targets of this test server are never reached");
        });
        EngineServer server = new EngineServer(engine, SocketDirs.socketIn(dir), 0).start();
        System.out.println("ready");
        System.out.flush();
        server.awaitStop();
    }
}
