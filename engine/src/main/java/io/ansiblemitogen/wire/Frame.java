package io.ansiblemitogen.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One frame of the wire protocol (docs/protocol.md, section 2). The body is raw bytes, never interpreted here. */
public record Frame(int dst, int src, int req, byte kind, ObjectNode header, byte[] body) {

    public static final byte CALL = 1;
    public static final byte REPLY = 2;
    public static final byte ERROR = 3;
    public static final byte LOG = 4;
    public static final byte DATA = 5;
    public static final byte HELLO = 6;
    /** A parent agent's notice that child contexts ended: header {@code {"ids": [...]}} (protocol 2). */
    public static final byte GONE = 7;

    public static final int ENGINE = 0;

    public String op() {
        return header.path("op").asText("");
    }

    @Override
    public String toString() {
        return "Frame[kind=" + kind + ", " + src + "->" + dst + ", req=" + req + ", header=" + header
                + ", body=" + body.length + " bytes]";
    }
}
