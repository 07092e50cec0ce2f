package io.ansiblemitogen.engine;

import io.ansiblemitogen.agent.PendingCall;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * File transfers sent without waiting for their reply, by token: the client that sent one names its token in its
 * next request ({@code after}) or in {@code sync}, so another client's requests never wait on it or see its failure.
 */
final class DetachedCalls {
    private static final int LIMIT = 10_000;
    private final AtomicLong next = new AtomicLong(1);
    private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();

    long add(PendingCall call) {
        if (calls.size() >= LIMIT) {
            // A client that never came back for its tokens: forget them (their replies end their registration).
            calls.values().forEach(PendingCall::release);
            calls.clear();
        }
        long token = next.getAndIncrement();
        calls.put(token, call);
        return token;
    }

    PendingCall take(long token) {
        return calls.remove(token);
    }
}
