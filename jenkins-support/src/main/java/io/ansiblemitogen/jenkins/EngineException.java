package io.ansiblemitogen.jenkins;

import java.io.IOException;

/** The engine answered a request with {@code ok: false}; {@link #kind()} is its error kind. */
public class EngineException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String kind;

    public EngineException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
