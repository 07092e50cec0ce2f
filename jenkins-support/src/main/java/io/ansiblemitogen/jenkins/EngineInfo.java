package io.ansiblemitogen.jenkins;

import java.io.Serializable;

/** What the engine said in its {@code hello} reply. */
public record EngineInfo(int protocol, String engineVersion) implements Serializable {
}
