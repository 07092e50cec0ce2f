package io.ansiblemitogen.server;

/**
 * What the accept loop does after {@code accept()} failed: wait a little (longer while it keeps failing, up to a
 * second) and try again, logging the first failure of a run of them and then at most one line every 10 s. The
 * usual cause is running out of file descriptors (EMFILE), which ends by itself once clients go away: giving up
 * would leave a daemon that holds its socket and answers no one until its idle timeout.
 */
final class AcceptBackoff {
    private static final long FIRST_MILLIS = 10;
    private static final long MAX_MILLIS = 1_000;
    private static final long LOG_EVERY_MILLIS = 10_000;

    private long delay = FIRST_MILLIS;
    private int failures;
    private long lastLog;

    /** Logs (sparingly) and sleeps; an interrupt ends the sleep early. */
    void failed(Throwable e) {
        failures++;
        long now = System.currentTimeMillis();
        if (failures == 1 || now - lastLog >= LOG_EVERY_MILLIS) {
            lastLog = now;
            System.err.println("ansible-mitogen engine: accept failed (" + failures + (failures == 1 ? " time" : " times")
                    + " in a row): " + e.getMessage() + "; still serving, retrying"
                    + (e.getMessage() != null && e.getMessage().contains("Too many open files")
                            ? " (raise the open-files limit, ulimit -n, of the daemon)" : ""));
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        delay = Math.min(delay * 2, MAX_MILLIS);
    }

    /** A connection was accepted: the next failure starts a new run. */
    void succeeded() {
        if (failures > 0) {
            System.err.println("ansible-mitogen engine: accepting again after " + failures + " failed accept(s)");
        }
        failures = 0;
        delay = FIRST_MILLIS;
    }
}
