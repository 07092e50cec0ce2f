package io.ansiblemitogen.server;

/**
 * The request bytes all client connections together may hold at once. A connection reading a large request
 * reserves its buffer as the buffer grows with what arrived, and gives it all back once the request is answered:
 * a crowd of clients that each announce a maximal request and send little holds little, and a crowd that really
 * sends maximal requests waits its turn instead of driving the JVM out of memory (each request is held about
 * three times over while it is handled: the body, the parsed tree, the decoded base64).
 *
 * <p>Requests up to {@link #UNCOUNTED} bytes (nearly all of them: module runs that name their ZIP by digest,
 * commands, file transfers by path) pass without a reservation: the run's ordinary traffic never waits here.
 * A wait for room counts against the request's frame time limit, so two half-read requests that wait for each
 * other's room end when the first one's time is up (that client is closed, the other goes on).
 */
final class InFlightBudget {
    /** Requests this small are not counted: what they can hold is bounded by the number of connections. */
    static final long UNCOUNTED = 1 << 20;

    private final long capacity;
    private long used;

    InFlightBudget(long capacity) {
        // Never below one maximal request, or such a request could never be read.
        this.capacity = Math.max(capacity, MessageIO.MAX_MESSAGE);
    }

    /** A quarter of the heap, or {@code -Dansible.mitogen.inFlightBytes}. */
    static InFlightBudget fromHeap() {
        return new InFlightBudget(Long.getLong("ansible.mitogen.inFlightBytes", Runtime.getRuntime().maxMemory() / 4));
    }

    long capacity() {
        return capacity;
    }

    /**
     * Waits until {@code bytes} fit, or until {@code untilMillis} (then false); a smaller reservation may pass a
     * larger one that does not fit yet.
     */
    synchronized boolean reserve(long bytes, long untilMillis) throws InterruptedException {
        while (used + bytes > capacity) {
            long left = untilMillis - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        used += bytes;
        return true;
    }

    synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    synchronized long used() {
        return used;
    }
}
