package io.ansiblemitogen.pool;

import io.ansiblemitogen.agent.LogSink;

import java.util.ArrayList;
import java.util.List;

/**
 * Remote log records of one connection, kept until the next reply for that connection carries them to
 * Ansible (which shows them at -vvv). Bounded, so a chatty target cannot grow the engine without limit.
 */
public final class LogBuffer implements LogSink {
    private static final int MAX = 2000;
    private final String host;
    private final List<String> lines = new ArrayList<>();
    private int dropped;

    public LogBuffer(String host) {
        this.host = host;
    }

    @Override
    public synchronized void log(int context, String level, String name, String message) {
        if (lines.size() >= MAX) {
            dropped++;
            return;
        }
        lines.add("[mitogen:" + host + "] " + level + " " + name + ": " + message);
    }

    public synchronized List<String> drain() {
        List<String> out = new ArrayList<>(lines);
        if (dropped > 0) {
            out.add("[mitogen:" + host + "] WARNING engine: " + dropped + " log lines dropped");
            dropped = 0;
        }
        lines.clear();
        return out;
    }
}
