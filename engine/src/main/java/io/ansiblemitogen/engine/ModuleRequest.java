package io.ansiblemitogen.engine;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** A new-style Python module to run: the AnsiballZ ZIP, the module to run from it, and its arguments. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModuleRequest(
        @JsonProperty("interpreter") String interpreter,
        @JsonProperty("fqn") String fqn,
        @JsonProperty("zip_b64") String zipBase64,
        @JsonProperty("zip_sha1") String zipSha1,
        @JsonProperty("params") String params,
        @JsonProperty("isolation") String isolation,
        @JsonProperty("env") Map<String, String> env,
        @JsonProperty("cwd") String cwd) {

    public ModuleRequest {
        env = env == null ? Map.of() : Map.copyOf(env);
        isolation = isolation == null || isolation.isBlank() ? "reuse" : isolation;
    }
}
