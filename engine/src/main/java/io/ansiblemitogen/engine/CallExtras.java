package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.agent.PendingCall;
import io.ansiblemitogen.agent.RemoteContext;
import io.ansiblemitogen.agent.RemoteException;

import java.util.ArrayList;
import java.util.List;

/**
 * What a request's call to an agent carries besides its own work: {@code pre} (deferred shell commands, run first)
 * and {@code after} (files the same client sent on the same interpreter without waiting: the agent runs the call
 * once they are in place, and fails it if one could not be written). A file sent on another interpreter is waited
 * for here first: the agent orders calls only within one interpreter.
 */
final class CallExtras {
    private final List<String> pre;
    private final List<PendingCall> after;

    private CallExtras(List<String> pre, List<PendingCall> after) {
        this.pre = pre;
        this.after = after;
    }

    static CallExtras take(DetachedCalls detached, RemoteContext ctx, List<String> pre, List<Long> tokens)
            throws RemoteException {
        List<PendingCall> mine = new ArrayList<>();
        List<PendingCall> elsewhere = new ArrayList<>();
        for (long token : tokens == null ? List.<Long>of() : tokens) {
            PendingCall p = detached.take(token);
            if (p == null) {
                continue; // settled already (by sync) or never ours
            }
            (p.sameContext(ctx) ? mine : elsewhere).add(p);
        }
        RemoteException failure = null;
        for (PendingCall p : elsewhere) {
            try {
                p.settle();
            } catch (RemoteException e) {
                failure = failure == null ? e : failure;
            }
        }
        CallExtras extras = new CallExtras(pre == null ? List.of() : pre, mine);
        if (failure != null) {
            extras.release();
            throw failure;
        }
        return extras;
    }

    /** Adds {@code pre} and {@code after} to the header of the call that is about to be sent. */
    ObjectNode decorate(ObjectNode h) {
        if (!pre.isEmpty()) {
            ArrayNode a = h.putArray("pre");
            pre.forEach(a::add);
        }
        if (!after.isEmpty()) {
            ArrayNode a = h.putArray("after");
            after.forEach(p -> a.add(p.req()));
        }
        return h;
    }

    /**
     * Once the call is done: the calls it named in {@code after} have replied before it (or, had one failed, it
     * failed too), so letting go of them loses nothing.
     */
    void release() {
        after.forEach(PendingCall::release);
    }
}
