package io.ansiblemitogen.agent;

import io.ansiblemitogen.wire.Frame;

/** Sees every frame an {@link AgentChannel} sends or receives (router debugging). Must not block. */
public interface FrameTap {
    /** @param sent true for frames the engine sent, false for frames it received */
    void frame(boolean sent, Frame frame);
}
