package io.ansiblemitogen.agent;

/** Receives log records forwarded by remote contexts (their logging, warnings and stray output). */
@FunctionalInterface
public interface LogSink {
    void log(int context, String level, String name, String message);

    LogSink DISCARD = (context, level, name, message) -> { };
}
