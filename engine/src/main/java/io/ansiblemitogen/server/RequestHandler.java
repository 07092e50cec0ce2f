package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.agent.IoTrace;
import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.engine.CommandShell;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.EngineException;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.JsonFields;
import io.ansiblemitogen.engine.ModuleRequest;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.wire.Json;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Turns one engine-protocol request into engine calls and builds its reply (docs/protocol.md, section 1). */
public final class RequestHandler {
    public static final int PROTOCOL = 1;
    public static final String VERSION = "0.1.0";

    private final Engine engine;
    private final Runnable onShutdown;

    public RequestHandler(Engine engine, Runnable onShutdown) {
        this.engine = engine;
        this.onShutdown = onShutdown;
    }

    public ObjectNode handle(JsonNode req) {
        ObjectNode reply = Json.object();
        // Echo an id of any scalar type; a missing or structured one is echoed as null.
        reply.set("id", req.path("id").isValueNode() ? req.get("id") : reply.nullNode());
        String op = req.path("op").asText("");
        TargetSpec target = null;
        try {
            target = req.has("target") ? RequestCheck.target(parse(req.get("target"), TargetSpec::fromJson, "target"))
                    : null;
            BecomeSpec become = req.hasNonNull("become") ? parse(req.get("become"), BecomeSpec::fromJson, "become") : null;
            if (req.path("io_log").asBoolean(false)) {
                IoTrace.begin();
            }
            if (target != null && req.path("router_debug").asBoolean(false) && !"reset".equals(op)) {
                engine.routerDebug(target);
            }
            List<String> pre = strings(req, "pre");
            List<Long> after = tokens(req, "after");
            boolean detach = req.path("detach").asBoolean(false);
            switch (op) {
                case "hello" -> hello(req, reply);
                case "exec_module" -> result(reply, engine.execModule(need(target),
                        become, RequestCheck.module(parse(req.get("module"), ModuleRequest::fromJson, "module")),
                        pre, after));
                case "exec_command" -> result(reply, engine.execCommand(need(target), become,
                        text(req, "cmd"), RequestCheck.base64(req, "stdin_b64"), optionalText(req, "chdir"),
                        req.path("pty").asBoolean(false), pre, after, detach,
                        parse(req.get("shell"), CommandShell::fromJson, "shell")));
                case "put_file" -> {
                    long token = engine.putFile(need(target), become, RequestCheck.localPath(text(req, "src"), "src"),
                            text(req, "dst"), optionalText(req, "mode"), pre, after, detach,
                            strings(req, "digests"), octal(req, "create_mode"));
                    if (token != 0) {
                        reply.put("token", token);
                    }
                }
                case "fetch_file" -> {
                    String mode = engine.fetchFile(need(target), become, text(req, "src"),
                            RequestCheck.localPath(text(req, "dst"), "dst"), pre, after);
                    if (mode != null) {
                        reply.put("mode", mode);
                    }
                }
                case "sync" -> engine.sync(need(target), tokens(req, "tokens"));
                case "reset" -> engine.reset(need(target));
                case "pool_status" -> status(reply);
                case "shutdown" -> {
                    // Reply first (the protocol promises {} before the socket closes), then stop.
                    Thread t = new Thread(() -> {
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException ignored) {
                            Thread.currentThread().interrupt();
                        }
                        onShutdown.run();
                    }, "engine-shutdown");
                    t.setDaemon(false);
                    t.start();
                }
                default -> throw new EngineException(EngineException.Kind.BAD_REQUEST, null, null,
                        "unknown operation '" + op + "'");
            }
            reply.put("ok", true);
        } catch (EngineException e) {
            reply.put("ok", false);
            ObjectNode err = reply.putObject("error");
            err.put("kind", e.kindName()).put("msg", e.getMessage());
            if (e.host() != null) {
                err.put("host", e.host());
            }
            if (e.hop() != null) {
                err.put("hop", e.hop());
            }
            if (e.become() != null) {
                err.put("become", e.become());
            }
        } catch (RuntimeException e) {
            reply.put("ok", false);
            reply.putObject("error").put("kind", "internal").put("msg", "engine error in '" + op + "': " + e);
        }
        List<String> io = IoTrace.end();
        if (target != null) {
            ArrayNode logs = reply.putArray("logs");
            engine.drainLogs(target).forEach(logs::add);
            String prefix = "[mitogen:" + target.displayName() + "] ";
            io.forEach(line -> logs.add(prefix + line));
        }
        return reply;
    }

    private static void hello(JsonNode req, ObjectNode reply) throws EngineException {
        int protocol = req.path("protocol").asInt(-1);
        if (protocol != PROTOCOL) {
            throw new EngineException(EngineException.Kind.BAD_REQUEST, null, null,
                    "engine protocol " + protocol + " is not supported; this engine speaks " + PROTOCOL
                            + " (use the Ansible plugin shipped with this engine)");
        }
        reply.put("protocol", PROTOCOL).put("engine_version", VERSION);
        // Module runners the agent has: the AnsiballZ styles of ansible-core 2.14-2.18 and 2.19+.
        reply.putArray("features").add("module_runner_runpy").add("module_runner_loader")
                // the 2.22 loader's run_module(..., secrets=frozenset) (docs/protocol.md)
                .add("module_runner_loader_secrets")
                // pre/after/detach/sync and `echo ~` answered from the interpreter's hello (docs/protocol.md)
                .add("deferred_commands")
                // exec_module may name its ZIP by zip_sha1 alone; need_zip asks for it (docs/protocol.md)
                .add("module_by_digest");
    }

    private void status(ObjectNode reply) {
        ArrayNode targets = reply.putArray("targets");
        long now = System.currentTimeMillis();
        for (TargetConnection c : engine.pool().snapshot()) {
            ObjectNode t = targets.addObject()
                    .put("identity", c.identity().digest().substring(0, 16))
                    .put("label", c.identity().label())
                    .put("host", c.spec().displayName())
                    .put("port", c.spec().port() == null ? 0 : c.spec().port())
                    .put("user", c.spec().user() == null ? "" : c.spec().user())
                    .put("alive", c.isAlive())
                    .put("contexts", c.interpreterCount())
                    // Millisecond precision: a connection replaced within the same second must look younger.
                    .put("age_s", (now - c.createdAt()) / 1000.0)
                    .put("idle_s", (now - c.lastUsed()) / 1000.0)
                    .put("requests", c.requests())
                    .put("bytes_in", c.bytesIn())
                    .put("bytes_out", c.bytesOut())
                    .put("round_trips", c.roundTrips());
            ArrayNode interpreters = t.putArray("interpreters");
            c.loginInterpreters().forEach(interpreters::add);
            t.put("become_interpreters", c.children().size());
        }
        reply.put("connections_opened", engine.pool().openedCount());
        reply.put("connections_reused", engine.pool().reusedCount());
    }

    private static void result(ObjectNode reply, ExecResult r) {
        Base64.Encoder b64 = Base64.getEncoder();
        reply.put("rc", r.rc()).put("stdout_b64", b64.encodeToString(r.stdout()))
                .put("stderr_b64", b64.encodeToString(r.stderr()));
    }

    private static List<String> strings(JsonNode req, String field) throws EngineException {
        return list(req, field, JsonNode::isTextual, JsonNode::asText, "strings");
    }

    private static List<Long> tokens(JsonNode req, String field) throws EngineException {
        return list(req, field, JsonNode::canConvertToLong, JsonNode::asLong, "tokens");
    }

    /** An optional list field whose every element passes {@code ok}; a malformed one is the request's fault. */
    private static <T> List<T> list(JsonNode req, String field, java.util.function.Predicate<JsonNode> ok,
            java.util.function.Function<JsonNode, T> value, String what) throws EngineException {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new EngineException(EngineException.Kind.BAD_REQUEST, null, null,
                    "request field '" + field + "' must be a list");
        }
        List<T> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!ok.test(e)) {
                throw new EngineException(EngineException.Kind.BAD_REQUEST, null, null,
                        "request field '" + field + "' must be a list of " + what);
            }
            out.add(value.apply(e));
        }
        return out;
    }

    private static TargetSpec need(TargetSpec t) throws EngineException {
        if (t == null) {
            throw new EngineException(EngineException.Kind.BAD_REQUEST, null, null, "request has no target");
        }
        return t;
    }

    /** An optional octal permission field (at most 07777), or null; anything else is a bad request. */
    private static String octal(JsonNode req, String field) throws EngineException {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.asText();
        if (!s.matches("0?[0-7]{1,4}")) {
            throw RequestCheck.bad("request field '" + field + "' must be an octal mode, not '" + s + "'");
        }
        return s;
    }

    private static String text(JsonNode req, String field) throws EngineException {
        String v = optionalText(req, field);
        if (v == null) {
            throw RequestCheck.bad("request field '" + field + "' is missing");
        }
        return v;
    }

    /** A string field, null when missing or null; any other type is the request's fault. */
    private static String optionalText(JsonNode req, String field) throws EngineException {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw RequestCheck.bad("request field '" + field + "' must be a string");
        }
        return v.textValue();
    }

    /** The reply to a frame that was refused before it could be read as a request (its id is unknown). */
    public static ObjectNode badRequest(String msg) {
        ObjectNode reply = Json.object();
        reply.putNull("id");
        reply.put("ok", false);
        reply.putObject("error").put("kind", "bad_request").put("msg", msg);
        return reply;
    }

    /** A failure of the engine itself while handling {@code req}. */
    public static ObjectNode internalError(JsonNode req, String msg) {
        ObjectNode reply = Json.object();
        reply.set("id", req.path("id").isValueNode() ? req.get("id") : reply.nullNode());
        reply.put("ok", false);
        reply.putObject("error").put("kind", "internal").put("msg", msg);
        return reply;
    }

    private static <T> T parse(JsonNode node, JsonFields.Reader<T> reader, String what) throws EngineException {
        try {
            return reader.read(node);
        } catch (JsonFields.Malformed e) {
            // The message names the field only: the value can be a secret.
            throw new EngineException(EngineException.Kind.BAD_REQUEST, null, null,
                    "malformed '" + what + "' in request: " + e.getMessage());
        }
    }
}
