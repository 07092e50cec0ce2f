package io.ansiblemitogen.engine;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A new-style Python module to run: the AnsiballZ ZIP, the module to run from it, and its arguments.
 * {@code runner} is how the wrapper Ansible built would start it: {@code runpy} (2.14-2.18) or {@code loader}
 * (2.19+, with {@code profile} and {@code extensions}; 2.22 adds {@code secrets}, the strings the module's output
 * must mask, null when the wrapper passes none).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModuleRequest(
        @JsonProperty("interpreter") String interpreter,
        @JsonProperty("fqn") String fqn,
        @JsonProperty("zip_b64") String zipBase64,
        @JsonProperty("zip_sha1") String zipSha1,
        @JsonProperty("params") String params,
        @JsonProperty("isolation") String isolation,
        @JsonProperty("env") Map<String, String> env,
        @JsonProperty("cwd") String cwd,
        @JsonProperty("runner") String runner,
        @JsonProperty("profile") String profile,
        @JsonProperty("extensions") JsonNode extensions,
        @JsonProperty("secrets") JsonNode secrets) {

    /** A module packed the way ansible-core 2.14-2.18 does (run with runpy). */
    public ModuleRequest(String interpreter, String fqn, String zipBase64, String zipSha1, String params,
            String isolation, Map<String, String> env, String cwd) {
        this(interpreter, fqn, zipBase64, zipSha1, params, isolation, env, cwd, "runpy", null, null, null);
    }

    /** A module request as the plugin sends it; null for a JSON null. */
    public static ModuleRequest fromJson(JsonNode node) throws JsonFields.Malformed {
        JsonFields f = JsonFields.of(node, "module");
        if (f == null) {
            return null;
        }
        JsonNode extensions = f.raw("extensions");
        JsonNode secrets = f.raw("secrets");
        if (secrets != null && !secrets.isNull() && !(secrets.isArray() && allText(secrets))) {
            throw new JsonFields.Malformed("module.secrets");
        }
        return new ModuleRequest(f.text("interpreter"), f.text("fqn"), f.text("zip_b64"), f.text("zip_sha1"),
                f.text("params"), f.text("isolation"), f.textMap("env"), f.text("cwd"), f.text("runner"),
                f.text("profile"), extensions == null || extensions.isNull() ? null : extensions,
                secrets == null || secrets.isNull() ? null : secrets);
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    public ModuleRequest {
        runner = runner == null || runner.isBlank() ? "runpy" : runner;
        env = env == null ? Map.of() : Map.copyOf(env);
        isolation = isolation == null || isolation.isBlank() ? "isolated" : isolation;
    }
}
