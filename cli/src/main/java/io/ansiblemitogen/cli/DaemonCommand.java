package io.ansiblemitogen.cli;

import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.server.EngineServer;
import io.ansiblemitogen.server.WarmUp;
import io.ansiblemitogen.server.SocketDirs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * {@code ansible-mitogen daemon [--socket-dir DIR] [--idle-timeout MINUTES | --idle-timeout-seconds S]}: serve
 * DIR/engine.sock until idle. DIR must be this user's, mode 0700, not a link (see docs/daemon.md).
 */
public final class DaemonCommand {
    /** Held for the daemon's life: of two daemons started at once on one directory, one serves. */
    static final String LOCK_NAME = "daemon.lock";

    private DaemonCommand() {
    }

    public static int run(List<String> args) throws IOException, InterruptedException {
        Map<String, String> env = System.getenv();
        String dirOption = null;
        Long idleMillis = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--socket-dir" -> dirOption = Options.value(args, ++i, "--socket-dir");
                case "--idle-timeout" -> idleMillis = positive(Options.longValue(args, ++i, "--idle-timeout"),
                        "--idle-timeout") * 60_000L;
                case "--idle-timeout-seconds" -> idleMillis = positive(Options.longValue(args, ++i,
                        "--idle-timeout-seconds"), "--idle-timeout-seconds") * 1000L;
                default -> throw new IllegalArgumentException("daemon: unknown option '" + args.get(i) + "'");
            }
        }
        long idle = idleMillis != null ? idleMillis : DaemonLocation.idleMillis(env);
        Path dir = SocketDirs.ensurePrivate(DaemonLocation.dir(dirOption, env));
        Path socket = SocketDirs.socketIn(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(LOCK_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
            if (lock == null || EngineClient.isAlive(socket)) {
                System.err.println("ansible-mitogen: a daemon already serves " + socket);
                return 0;
            }
            // We hold the lock, so a socket file left here is a dead daemon's: the server replaces it.
            Engine engine = new Engine(new DefaultTransports());
            EngineServer server = new EngineServer(engine, socket, idle).start();
            WarmUp.start(engine);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            System.out.println("ansible-mitogen daemon serving " + socket + " (idle timeout "
                    + describe(idle) + ", pid " + ProcessHandle.current().pid() + ")");
            System.out.flush();
            server.awaitStop();
            System.out.println("ansible-mitogen daemon stopped: " + server.stopReason());
            return 0;
        }
    }

    private static long positive(long v, String option) {
        if (v <= 0) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return v;
    }

    static String describe(long millis) {
        return millis % 60_000 == 0 ? millis / 60_000 + " min" : millis / 1000 + " s";
    }
}
