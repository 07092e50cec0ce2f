package io.ansiblemitogen.cli;

import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.server.EngineServer;
import io.ansiblemitogen.server.SocketDirs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code ansible-mitogen daemon [--socket-dir DIR] [--idle-timeout MINUTES]}: serve until idle. */
public final class DaemonCommand {
    private DaemonCommand() {
    }

    public static int run(List<String> args) throws IOException, InterruptedException {
        Path dir = SocketDirs.defaultDir();
        long idleMinutes = 30;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--socket-dir" -> dir = Path.of(Options.value(args, ++i, "--socket-dir"));
                case "--idle-timeout" -> idleMinutes = Options.longValue(args, ++i, "--idle-timeout");
                default -> throw new IllegalArgumentException("daemon: unknown option '" + args.get(i) + "'");
            }
        }
        Path socket = SocketDirs.socketIn(SocketDirs.ensurePrivate(dir));
        if (EngineClient.isAlive(socket)) {
            System.err.println("ansible-mitogen: a daemon already serves " + socket);
            return 0;
        }
        Engine engine = new Engine(new DefaultTransports());
        EngineServer server = new EngineServer(engine, socket, idleMinutes * 60_000L).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("ansible-mitogen daemon serving " + socket + " (idle timeout " + idleMinutes + " min)");
        System.out.flush();
        server.awaitStop();
        return 0;
    }
}
