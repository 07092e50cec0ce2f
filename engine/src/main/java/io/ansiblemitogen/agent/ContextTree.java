package io.ansiblemitogen.agent;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the engine knows about the contexts behind one channel: which context started which (become users,
 * containers behind a host), which module ZIPs each holds, which have ended, and the bytes and round trips of
 * each. Context ids are never reused on a channel, so nothing here has to be undone when an id comes back.
 */
public final class ContextTree {
    private final Map<Integer, Integer> parents = new ConcurrentHashMap<>();
    private final Map<Integer, Set<String>> zips = new ConcurrentHashMap<>();
    private final Set<Integer> gone = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong[]> counters = new ConcurrentHashMap<>();

    /** Who hands a ZIP to a context that lacks it: {@code context}, which holds it already or keeps this copy. */
    public record ZipSource(int context, boolean holds) {
    }

    /** {@code child} was started by {@code parent} (a context of the same channel). */
    public void started(int child, int parent) {
        parents.put(child, parent);
    }

    public Integer parentOf(int context) {
        return parents.get(context);
    }

    /** The ZIP digests {@code context} holds (a live set: add what was sent, remove what it lost). */
    public Set<String> zips(int context) {
        return zips.computeIfAbsent(context, k -> ConcurrentHashMap.newKeySet());
    }

    /**
     * Where a child context gets {@code digest} from without the ZIP crossing the wire again: its nearest
     * ancestor that holds it; if none does, its parent, which is sent the ZIP once and keeps it for its other
     * children. Null for a context nobody here started (a login interpreter): the engine sends it the ZIP.
     */
    public ZipSource zipSourceFor(int context, String digest) {
        Integer parent = parents.get(context);
        if (parent == null) {
            return null;
        }
        for (Integer a = parent; a != null; a = parents.get(a)) {
            if (!gone.contains(a) && zips(a).contains(digest)) {
                return new ZipSource(a, true);
            }
        }
        return new ZipSource(parent, false);
    }

    /** The agent reported that {@code context} ended (or the engine retired it). */
    public void ended(int context) {
        gone.add(context);
        zips.remove(context);
    }

    public boolean isGone(int context) {
        return gone.contains(context);
    }

    void countOut(int context, long bytes) {
        counter(context)[0].addAndGet(bytes);
    }

    void countIn(int context, long bytes) {
        counter(context)[1].addAndGet(bytes);
    }

    void countRoundTrip(int context) {
        counter(context)[2].incrementAndGet();
    }

    /** Bytes the engine wrote to {@code context} and to every context it started, frame headers included. */
    public long bytesOutUnder(int context) {
        return sumUnder(context, 0);
    }

    /** Bytes that came from {@code context} and every context it started. */
    public long bytesInUnder(int context) {
        return sumUnder(context, 1);
    }

    /** Replies the engine waited for from {@code context} and every context it started. */
    public long roundTripsUnder(int context) {
        return sumUnder(context, 2);
    }

    private long sumUnder(int context, int which) {
        long sum = 0;
        for (Map.Entry<Integer, AtomicLong[]> e : counters.entrySet()) {
            if (isUnder(e.getKey(), context)) {
                sum += e.getValue()[which].get();
            }
        }
        return sum;
    }

    private boolean isUnder(int context, int ancestor) {
        for (Integer c = context; c != null; c = parents.get(c)) {
            if (c == ancestor) {
                return true;
            }
        }
        return false;
    }

    private AtomicLong[] counter(int context) {
        return counters.computeIfAbsent(context, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong(),
                new AtomicLong()});
    }
}
