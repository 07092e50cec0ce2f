package io.ansiblemitogen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.wire.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ansible-mitogen pool [--socket-dir DIR] [status|stop]}: what the daemon holds (targets, their
 * interpreters, age, requests served, bytes moved), or stop it. Without --socket-dir the daemon is found as
 * {@code playbook} finds it ({@link DaemonLocation}).
 */
public final class PoolCommand {
    private PoolCommand() {
    }

    public static int run(List<String> args, PrintStream out) throws IOException {
        String dirOption = null;
        String action = "status";
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--socket-dir" -> dirOption = Options.value(args, ++i, "--socket-dir");
                case "status", "stop" -> action = args.get(i);
                default -> throw new IllegalArgumentException("pool: unknown argument '" + args.get(i) + "'");
            }
        }
        Path socket = DaemonLocation.socket(dirOption, System.getenv());
        EngineClient c;
        try {
            c = EngineClient.connect(socket);
        } catch (DaemonNotAnswering e) {
            out.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            out.println("no daemon running at " + socket);
            return "stop".equals(action) ? 0 : 1;
        }
        try (c) {
            if ("stop".equals(action)) {
                c.request(Json.object().put("op", "shutdown"));
                out.println("daemon at " + socket + " stopped");
                return 0;
            }
            JsonNode st = c.request(Json.object().put("op", "pool_status"));
            out.print(render(socket, st));
            return 0;
        }
    }

    static String render(Path socket, JsonNode st) {
        StringBuilder b = new StringBuilder();
        int n = st.path("targets").size();
        b.append("daemon ").append(socket).append(": ").append(n).append(n == 1 ? " target" : " targets")
                .append(", connections opened ").append(st.path("connections_opened").asLong())
                .append(", reused ").append(st.path("connections_reused").asLong()).append('\n');
        if (n == 0) {
            return b.toString();
        }
        b.append(String.format("%-20s %-36s %-16s %-22s %8s %8s %9s %12s %12s%n", "HOST", "TARGET", "IDENTITY",
                "INTERPRETERS", "AGE_S", "IDLE_S", "REQUESTS", "BYTES_IN", "BYTES_OUT"));
        for (JsonNode t : st.path("targets")) {
            b.append(String.format("%-20s %-36s %-16s %-22s %8.0f %8.0f %9d %12d %12d%n", t.path("host").asText(),
                    t.path("label").asText() + (t.path("alive").asBoolean(true) ? "" : " (dead)"),
                    t.path("identity").asText(), interpreters(t), t.path("age_s").asDouble(),
                    t.path("idle_s").asDouble(), t.path("requests").asLong(), t.path("bytes_in").asLong(),
                    t.path("bytes_out").asLong()));
        }
        return b.toString();
    }

    /** Login interpreters by path, then the count of become interpreters under them. */
    private static String interpreters(JsonNode t) {
        List<String> paths = new ArrayList<>();
        t.path("interpreters").forEach(p -> paths.add(p.asText()));
        String s = paths.isEmpty() ? "-" : String.join(",", paths);
        int become = t.path("become_interpreters").asInt(0);
        return become > 0 ? s + " +" + become + " become" : s;
    }
}
