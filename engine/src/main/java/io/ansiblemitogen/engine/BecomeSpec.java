package io.ansiblemitogen.engine;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A become request (sudo, su, ...) as Ansible's become plugin resolved it. {@code prompt} is the password prompt
 * the plugin describes (sudo's {@code -p} text, or a string su prints), when it has one; the engine then uses
 * it instead of its own prompt and still recognises localised prompts.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BecomeSpec(
        @JsonProperty("method") String method,
        @JsonProperty("user") String user,
        @JsonProperty("password") String password,
        @JsonProperty("exe") String exe,
        @JsonProperty("flags") String flags,
        @JsonProperty("prompt") String prompt) {

    public BecomeSpec(String method, String user, String password, String exe, String flags) {
        this(method, user, password, exe, flags, null);
    }

    /** A become spec as the plugin sends it; null for a JSON null. */
    public static BecomeSpec fromJson(JsonNode node) throws JsonFields.Malformed {
        JsonFields f = JsonFields.of(node, "become");
        return f == null ? null : new BecomeSpec(f.text("method"), f.text("user"), f.text("password"), f.text("exe"),
                f.text("flags"), f.text("prompt"));
    }

    /** The user to become: Ansible's default is root. */
    public String userOrRoot() {
        return user == null || user.isBlank() ? "root" : user;
    }

    @Override
    public String toString() {
        return method + ":" + user;
    }
}
