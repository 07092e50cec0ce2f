package io.ansiblemitogen.become;

import io.ansiblemitogen.agent.RemoteException;

/**
 * Becoming another user failed on a target that is otherwise fine (wrong or missing password, a become program
 * that refused, a flag the engine cannot honour). The host's task fails; the connection stays up. The message
 * names the method, the user and the host; {@link #reason()} says which failure it was, so that the plugin can
 * report it in stock Ansible's words ("Incorrect sudo password", "Missing sudo password", docs/become.md).
 */
public class BecomeException extends RemoteException {
    public static final String TYPE = "become";

    /** What went wrong, as the protocol names it ({@code error.become}, docs/protocol.md). */
    public enum Reason {
        WRONG_PASSWORD, PASSWORD_REQUIRED, TIMEOUT, EXITED, BAD_REQUEST;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;
    private final Integer exitStatus;
    private final String said;
    private String host;

    public BecomeException(String message, boolean badRequest) {
        this(message, badRequest ? Reason.BAD_REQUEST : Reason.EXITED, null, null);
    }

    public BecomeException(String message, Reason reason) {
        this(message, reason, null, null);
    }

    /**
     * @param exitStatus the become program's exit status when it ended before Python started, else null
     * @param said       what it wrote on its terminal then (CR LF already undone), else null
     */
    public BecomeException(String message, Reason reason, Integer exitStatus, String said) {
        super(reason == Reason.BAD_REQUEST ? "bad_request" : TYPE, message);
        this.reason = reason;
        this.exitStatus = exitStatus;
        this.said = said;
    }

    /** Records the host name the message names (so that {@link #onHost} can put the requesting alias instead). */
    BecomeException naming(String host) {
        this.host = host;
        return this;
    }

    /**
     * The same failure naming {@code alias}: one connection serves every inventory alias of a target identity,
     * so the registry names the alias that opened it, not necessarily the one whose task failed.
     */
    public BecomeException onHost(String alias) {
        if (host == null || alias == null || host.equals(alias)) {
            return this;
        }
        return new BecomeException(getMessage().replace(" on " + host, " on " + alias), reason, exitStatus, said)
                .naming(alias);
    }

    /** True when the request itself was unusable (a conflicting flag, an unknown method). */
    public boolean isBadRequest() {
        return reason == Reason.BAD_REQUEST;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The become program's exit status if it ended before Python started, as stock Ansible would have seen the
     * task's command end (so the task reports it as rc, with {@link #said()} as its stderr); null otherwise.
     */
    public Integer exitStatus() {
        return exitStatus;
    }

    public String said() {
        return said == null ? "" : said;
    }
}
