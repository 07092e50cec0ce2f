package io.ansiblemitogen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.server.SocketDirs;
import io.ansiblemitogen.wire.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code ansible-mitogen pool [--socket-dir DIR] [status|stop]}. */
public final class PoolCommand {
    private PoolCommand() {
    }

    public static int run(List<String> args, PrintStream out) throws IOException {
        Path dir = SocketDirs.defaultDir();
        String action = "status";
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--socket-dir" -> dir = Path.of(Options.value(args, ++i, "--socket-dir"));
                case "status", "stop" -> action = args.get(i);
                default -> throw new IllegalArgumentException("pool: unknown argument '" + args.get(i) + "'");
            }
        }
        Path socket = SocketDirs.socketIn(dir);
        if (!EngineClient.isAlive(socket)) {
            out.println("no daemon running at " + socket);
            return "stop".equals(action) ? 0 : 1;
        }
        try (EngineClient c = EngineClient.connect(socket)) {
            if ("stop".equals(action)) {
                c.request(Json.object().put("op", "shutdown"));
                out.println("daemon at " + socket + " stopped");
                return 0;
            }
            JsonNode st = c.request(Json.object().put("op", "pool_status"));
            out.println(render(socket, st));
            return 0;
        }
    }

    static String render(Path socket, JsonNode st) {
        StringBuilder b = new StringBuilder();
        b.append("daemon ").append(socket).append(": connections opened ").append(st.path("connections_opened"))
                .append(", reused ").append(st.path("connections_reused")).append('\n');
        b.append(String.format("%-24s %-40s %5s %8s %8s %9s %12s %12s%n", "HOST", "TARGET", "CTX", "AGE_S", "IDLE_S",
                "REQUESTS", "BYTES_IN", "BYTES_OUT"));
        for (JsonNode t : st.path("targets")) {
            b.append(String.format("%-24s %-40s %5d %8d %8d %9d %12d %12d%n", t.path("host").asText(),
                    t.path("label").asText() + (t.path("alive").asBoolean() ? "" : " (dead)"),
                    t.path("contexts").asInt(), t.path("age_s").asLong(), t.path("idle_s").asLong(),
                    t.path("requests").asLong(), t.path("bytes_in").asLong(), t.path("bytes_out").asLong()));
        }
        return b.toString();
    }
}
