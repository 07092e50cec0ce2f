package io.ansiblemitogen.engine;

import io.ansiblemitogen.pool.TargetConnection;

import java.util.regex.Pattern;

/**
 * What a loss in the middle of a task is called, in the user's terms. Every such loss used to read "Failed to
 * connect to HOST ...: the remote Python exited", even when sshd was killed or the peer froze, and a write into a
 * closed channel showed the SSH library's internals. The connection had been made, so the message says it was
 * lost, and whether the connection itself ended or only the interpreter on the target did.
 */
final class LossWording {
    /** How long the transport gets to notice that it closed too: the agent stream usually ends a moment first. */
    private static final long SETTLE_MILLIS = 500;
    /** MINA's description of a closed channel window: {@code Already closed: RemoteWindow[client](ChannelExec...)}. */
    private static final Pattern LIBRARY_CLOSED = Pattern.compile("(Already closed|Closed): \\w*Window\\[.*$");

    private LossWording() {
    }

    static String midTask(TargetSpec target, TargetConnection conn, String cause) {
        boolean connectionEnded = !settledAlive(conn);
        String link = "ssh".equals(target.transport()) ? "the SSH connection" : "the connection";
        String name = target.displayName() + " (" + target + ")";
        String why = plain(cause);
        if (connectionEnded) {
            return "Connection to " + name + " lost during the task: " + link + " ended (the target, its sshd or the"
                    + " network went away, or the peer stopped answering keepalives): " + why;
        }
        return "The remote Python on " + name + " ended during the task while " + link + " stayed up (killed, or"
                + " out of memory on the target?): " + why;
    }

    /** The cause without library internals. */
    static String plain(String cause) {
        if (cause == null) {
            return "closed";
        }
        return LIBRARY_CLOSED.matcher(cause).replaceAll("the channel was already closed");
    }

    private static boolean settledAlive(TargetConnection conn) {
        long until = System.currentTimeMillis() + SETTLE_MILLIS;
        while (conn.isAlive()) {
            if (System.currentTimeMillis() >= until) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return conn.isAlive();
            }
        }
        return false;
    }
}
