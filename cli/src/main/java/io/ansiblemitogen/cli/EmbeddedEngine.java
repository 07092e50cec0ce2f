package io.ansiblemitogen.cli;

import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.server.EngineServer;
import io.ansiblemitogen.server.SocketDirs;
import io.ansiblemitogen.server.WarmUp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An engine that lives as long as one CLI run, on a socket in a fresh private directory. {@link #reserve()} only
 * makes the directory, so the CLI can start ansible-playbook (a second of Python start-up) before the engine
 * itself, then {@link #start()} it meanwhile.
 */
public final class EmbeddedEngine implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private Engine engine;
    private EngineServer server;
    private Path kept;

    private EmbeddedEngine(Path dir) {
        this.dir = dir;
        this.socket = SocketDirs.socketIn(dir);
    }

    /** The private directory and the socket path in it; nothing listens there until {@link #start()}. */
    public static EmbeddedEngine reserve() throws IOException {
        return new EmbeddedEngine(privateDir());
    }

    /** A reserved and started engine. */
    public EmbeddedEngine() throws IOException {
        this(privateDir());
        start();
    }

    private static Path privateDir() throws IOException {
        Path dir = Files.createTempDirectory("ansible-mitogen-");
        SocketDirs.ensurePrivate(dir);
        return dir;
    }

    /** Builds the engine, starts its warm-up and listens on {@link #socket()}. */
    public synchronized EmbeddedEngine start() throws IOException {
        if (server == null) {
            engine = new Engine(new DefaultTransports());
            WarmUp.start(engine);
            server = new EngineServer(engine, socket, 0).start();
        }
        return this;
    }

    public Path socket() {
        return socket;
    }

    /** The engine, once started. */
    public Engine engine() {
        return engine;
    }

    /**
     * Stops the engine and removes its private directory. Router debug files (MITOGEN_ROUTER_DEBUG) are the one
     * thing kept, as they are what the user asked for: {@link #keptDebugDir()} then names where they are, so that
     * nothing is left behind unannounced.
     */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
        }
        Path debug = dir.resolve("debug");
        try {
            Files.deleteIfExists(socket);
            if (Files.isDirectory(debug)) {
                try (var files = Files.list(debug)) {
                    if (files.findAny().isPresent()) {
                        kept = debug;
                        return;
                    }
                }
                Files.deleteIfExists(debug);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A leftover empty temp dir is harmless.
        }
    }

    /** After {@link #close()}: the directory of router debug files this run wrote, else null. */
    public synchronized Path keptDebugDir() {
        return kept;
    }
}
