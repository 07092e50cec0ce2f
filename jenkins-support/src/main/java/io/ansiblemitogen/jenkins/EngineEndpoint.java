package io.ansiblemitogen.jenkins;

import java.io.Serializable;

/**
 * Where ansible-playbook finds our strategy plugins and the engine daemon. Paths are strings because this
 * travels between the controller and agents.
 */
public record EngineEndpoint(String pluginPath, String socketPath) implements Serializable {
}
