package io.ansiblemitogen.server;

/**
 * The request bytes all client connections together may hold at once. A connection reserves a request's announced
 * length before it reads the body and gives it back once the request is answered, so a crowd of clients that each
 * announce a maximal request waits its turn instead of driving the JVM out of memory (each request is held about
 * three times over while it is handled: the body, the parsed tree, the decoded base64).
 */
final class InFlightBudget {
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

    /** Blocks until {@code bytes} fit; a smaller request may pass a larger one that does not fit yet. */
    synchronized void reserve(long bytes) throws InterruptedException {
        while (used + bytes > capacity) {
            wait();
        }
        used += bytes;
    }

    synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    synchronized long used() {
        return used;
    }
}
