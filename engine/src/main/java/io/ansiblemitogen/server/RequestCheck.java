package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.EngineException;
import io.ansiblemitogen.engine.ModuleRequest;
import io.ansiblemitogen.engine.TargetSpec;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * The checks a request's fields pass at the edge, before any reaches the engine: what the engine relies on (a
 * host, a module name) is there and of the right shape, or the request fails as {@code bad_request} naming the
 * field (never its value: it can be a secret). Without them a missing field surfaced deep inside as a
 * NullPointerException, reported as an engine bug.
 */
final class RequestCheck {
    private RequestCheck() {
    }

    static EngineException bad(String msg) {
        return new EngineException(EngineException.Kind.BAD_REQUEST, null, null, msg);
    }

    /** Every hop of a target names a host, and ports are TCP ports. Null stays null. */
    static TargetSpec target(TargetSpec t) throws EngineException {
        if (t != null) {
            hop(t, "target");
        }
        return t;
    }

    private static void hop(TargetSpec t, String where) throws EngineException {
        if (t.host() == null || t.host().isBlank()) {
            throw bad("request field '" + where + ".host' is missing or empty (the host, container or address to"
                    + " reach)");
        }
        if (t.port() != null && (t.port() < 1 || t.port() > 65535)) {
            throw bad("request field '" + where + ".port' must be a port from 1 to 65535");
        }
        if (t.timeout() != null && t.timeout() < 0) {
            throw bad("request field '" + where + ".timeout' must not be negative");
        }
        List<TargetSpec> via = t.via();
        for (int i = 0; i < via.size(); i++) {
            if (via.get(i) == null) {
                throw bad("request field '" + where + ".via[" + i + "]' must be a target object");
            }
            hop(via.get(i), where + ".via[" + i + "]");
        }
    }

    /** An exec_module's module: present, with the module name and the ZIP's digest the engine keys it by. */
    static ModuleRequest module(ModuleRequest m) throws EngineException {
        if (m == null) {
            throw bad("request field 'module' is missing");
        }
        if (m.fqn() == null || m.fqn().isBlank()) {
            throw bad("request field 'module.fqn' is missing or empty");
        }
        if (m.zipSha1() == null || m.zipSha1().isBlank()) {
            throw bad("request field 'module.zip_sha1' is missing or empty");
        }
        if (m.params() == null) {
            throw bad("request field 'module.params' is missing");
        }
        if (m.zipBase64() != null) {
            decode(m.zipBase64(), "module.zip_b64");
        }
        return m;
    }

    /** An optional base64 field, decoded; null when absent. */
    static byte[] base64(JsonNode req, String field) throws EngineException {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad("request field '" + field + "' must be a base64 string");
        }
        return decode(v.textValue(), field);
    }

    private static byte[] decode(String text, String field) throws EngineException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw bad("request field '" + field + "' is not valid base64: " + e.getMessage());
        }
    }

    /** A path on the engine's machine. */
    static Path localPath(String text, String field) throws EngineException {
        try {
            if (text.isEmpty()) {
                throw bad("request field '" + field + "' is empty");
            }
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw bad("request field '" + field + "' is not a valid path: " + e.getReason());
        }
    }
}
