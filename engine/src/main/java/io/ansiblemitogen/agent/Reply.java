package io.ansiblemitogen.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A successful reply from a remote context. */
public record Reply(ObjectNode header, byte[] body) {
}
