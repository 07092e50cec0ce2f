package io.ansiblemitogen.engine;

/**
 * A request the engine could not carry out. {@link Kind} decides how Ansible reports it (UNREACHABLE or FAILED);
 * the message names the host, the hop and the cause.
 */
public class EngineException extends Exception {
    /** NEED_ZIP: a module named by its ZIP's digest alone, which this engine does not hold (send it again). */
    public enum Kind { UNREACHABLE, FAILED, BAD_REQUEST, INTERNAL, NEED_ZIP }

    private final Kind kind;
    private final String host;
    private final String hop;
    private String become;

    public EngineException(Kind kind, String host, String hop, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.host = host;
        this.hop = hop;
    }

    public EngineException(Kind kind, String host, String hop, String message) {
        this(kind, host, hop, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    public String hop() {
        return hop;
    }

    /**
     * For a failure to become another user, which one ({@code wrong_password}, {@code password_required},
     * {@code timeout}, {@code exited}, {@code bad_request}): the plugin words it as stock Ansible does. Else null.
     */
    public String become() {
        return become;
    }

    public EngineException withBecome(String reason) {
        this.become = reason;
        return this;
    }

    /** The protocol's name for the kind (docs/protocol.md). */
    public String kindName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
