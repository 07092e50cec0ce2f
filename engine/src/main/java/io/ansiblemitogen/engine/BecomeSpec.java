package io.ansiblemitogen.engine;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A become request (sudo, su, ...) as Ansible's become plugin resolved it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BecomeSpec(
        @JsonProperty("method") String method,
        @JsonProperty("user") String user,
        @JsonProperty("password") String password,
        @JsonProperty("exe") String exe,
        @JsonProperty("flags") String flags) {

    @Override
    public String toString() {
        return method + ":" + user;
    }
}
