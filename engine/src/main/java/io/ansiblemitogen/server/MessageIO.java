package io.ansiblemitogen.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.wire.Json;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** The engine protocol's framing (docs/protocol.md, section 1): 4-byte big-endian length, then JSON. */
public final class MessageIO {
    /** Requests carry at most a module ZIP (base64); anything far larger is a broken client. */
    public static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private MessageIO() {
    }

    /** Null at a clean end of stream. */
    public static JsonNode read(InputStream in) throws IOException {
        DataInputStream din = new DataInputStream(in);
        int b0 = din.read();
        if (b0 < 0) {
            return null;
        }
        byte[] rest = new byte[3];
        din.readFully(rest);
        int len = (b0 << 24) | ((rest[0] & 0xff) << 16) | ((rest[1] & 0xff) << 8) | (rest[2] & 0xff);
        if (len < 0 || len > MAX_MESSAGE) {
            throw new IOException("message length " + len + " out of range");
        }
        byte[] body = new byte[len];
        try {
            din.readFully(body);
        } catch (EOFException e) {
            throw new EOFException("stream ended inside a message");
        }
        return Json.read(body);
    }

    public static void write(OutputStream out, JsonNode message) throws IOException {
        byte[] body = Json.write(message);
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(body);
        out.flush();
    }
}
