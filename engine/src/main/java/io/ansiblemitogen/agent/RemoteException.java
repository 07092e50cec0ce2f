package io.ansiblemitogen.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A call that did not succeed. {@code type} is the remote error type ({@code failed}, {@code need_zip},
 * {@code bad_request}) or {@code unreachable} when the channel to the context was lost.
 */
public class RemoteException extends Exception {
    private final String type;
    private String remoteStderr = "";
    private boolean undelivered;
    private JsonNode header = NullNode.getInstance();

    public RemoteException(String type, String message) {
        super(message);
        this.type = type;
    }

    public RemoteException(String type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    /** What the remote process wrote on stderr before it died (e.g. "sh: 1: python3: not found"). */
    public String remoteStderr() {
        return remoteStderr;
    }

    public RemoteException withRemoteStderr(String stderr) {
        this.remoteStderr = stderr == null ? "" : stderr;
        return this;
    }

    /**
     * The call never reached the remote side: its channel was already closed when it was made, or writing its
     * CALL frame failed (a peer that reads no more; the agent acts only on whole frames). Sending it again on a
     * fresh connection cannot run it twice.
     */
    public boolean isUndelivered() {
        return undelivered;
    }

    RemoteException undelivered() {
        this.undelivered = true;
        return this;
    }

    /** The remote ERROR frame's whole header: fields beyond type and msg some errors carry (e.g. exit_status). */
    public JsonNode header() {
        return header;
    }

    public RemoteException withHeader(JsonNode header) {
        this.header = header == null ? NullNode.getInstance() : header;
        return this;
    }

    public String type() {
        return type;
    }

    public boolean isUnreachable() {
        return "unreachable".equals(type);
    }
}
