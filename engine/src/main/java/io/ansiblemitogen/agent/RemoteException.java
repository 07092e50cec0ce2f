package io.ansiblemitogen.agent;

/**
 * A call that did not succeed. {@code type} is the remote error type ({@code failed}, {@code need_zip},
 * {@code bad_request}) or {@code unreachable} when the channel to the context was lost.
 */
public class RemoteException extends Exception {
    private final String type;
    private String remoteStderr = "";

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

    public String type() {
        return type;
    }

    public boolean isUnreachable() {
        return "unreachable".equals(type);
    }
}
