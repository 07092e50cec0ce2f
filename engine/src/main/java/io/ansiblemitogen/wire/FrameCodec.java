package io.ansiblemitogen.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Encodes and decodes frames; see docs/protocol.md. */
public final class FrameCodec {
    /** Bytes of the fixed part after the length field: dst, src, req, kind, hlen. */
    private static final int FIXED = 4 + 4 + 4 + 1 + 4;
    /** A frame larger than this is a corrupt stream, not a big file: files travel in chunks. */
    public static final int MAX_FRAME = 256 * 1024 * 1024;

    private FrameCodec() {
    }

    public static byte[] encode(int dst, int src, int req, byte kind, ObjectNode header, byte[] body) {
        InPlace frame = new InPlace(dst, src, req, kind, header, body.length);
        System.arraycopy(body, 0, frame.array(), frame.bodyOffset(), body.length);
        frame.finish(body.length);
        return frame.array();
    }

    /**
     * A frame whose body is written in place: the header is encoded once, and the caller fills the body region of
     * {@link #array()} (at {@link #bodyOffset()}) and calls {@link #finish} with its length. A file's DATA frames
     * reuse one of these: no copy of each chunk into a frame, no new array per chunk.
     */
    public static final class InPlace {
        private final byte[] buf;
        private final int bodyOff;

        public InPlace(int dst, int src, int req, byte kind, ObjectNode header, int maxBody) {
            byte[] h = Json.write(header);
            bodyOff = 4 + FIXED + h.length;
            buf = new byte[bodyOff + maxBody];
            ByteBuffer.wrap(buf).putInt(0).putInt(dst).putInt(src).putInt(req).put(kind).putInt(h.length).put(h);
        }

        public byte[] array() {
            return buf;
        }

        public int bodyOffset() {
            return bodyOff;
        }

        public int maxBody() {
            return buf.length - bodyOff;
        }

        /** Sets the frame's length for a body of {@code bodyLen} bytes; returns the frame's size in the array. */
        public int finish(int bodyLen) {
            if (bodyLen < 0 || bodyLen > maxBody()) {
                throw new IllegalArgumentException("body of " + bodyLen + " bytes in a frame for " + maxBody());
            }
            ByteBuffer.wrap(buf).putInt(0, bodyOff - 4 + bodyLen);
            return bodyOff + bodyLen;
        }
    }

    /** Reads one whole frame as raw bytes (length prefix included), or null at a clean end of stream. */
    public static byte[] readRaw(InputStream in) throws IOException {
        DataInputStream din = in instanceof DataInputStream d ? d : new DataInputStream(in);
        int b0 = din.read();
        if (b0 < 0) {
            return null;
        }
        byte[] rest3 = new byte[3];
        din.readFully(rest3);
        int length = (b0 << 24) | ((rest3[0] & 0xff) << 16) | ((rest3[1] & 0xff) << 8) | (rest3[2] & 0xff);
        if (length < FIXED || length > MAX_FRAME) {
            throw new IOException("corrupt frame stream: frame length " + length);
        }
        byte[] raw = new byte[4 + length];
        raw[0] = (byte) b0;
        System.arraycopy(rest3, 0, raw, 1, 3);
        try {
            din.readFully(raw, 4, length);
        } catch (EOFException e) {
            throw new EOFException("stream ended inside a frame");
        }
        return raw;
    }

    public static Frame decode(byte[] raw) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(raw);
        int length = buf.getInt();
        int dst = buf.getInt();
        int src = buf.getInt();
        int req = buf.getInt();
        byte kind = buf.get();
        int hlen = buf.getInt();
        if (hlen < 0 || hlen > length - FIXED) {
            throw new IOException("corrupt frame: header length " + hlen);
        }
        int off = 4 + FIXED;
        ObjectNode header = hlen == 0 ? Json.object()
                : Json.readObject(raw, off, hlen);
        int bodyOff = off + hlen;
        byte[] body = new byte[raw.length - bodyOff];
        System.arraycopy(raw, bodyOff, body, 0, body.length);
        return new Frame(dst, src, req, kind, header, body);
    }
}
