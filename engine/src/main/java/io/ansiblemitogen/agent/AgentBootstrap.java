package io.ansiblemitogen.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.wire.Frame;
import io.ansiblemitogen.wire.FrameCodec;
import io.ansiblemitogen.wire.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;

/**
 * The two stages that start a remote agent: a command line small enough for {@code python3 -c}, and the bytes
 * written to its stdin (the compressed core followed by the init frame). The core is compressed once per JVM.
 */
public final class AgentBootstrap {
    private static final byte[] CORE = compress(loadCore());

    private AgentBootstrap() {
    }

    /** Bytes sent to the target to start a context: the compressed core is most of them. */
    public static int coreSize() {
        return CORE.length;
    }

    /**
     * The shell command that starts an agent with {@code interpreter} (a shell fragment, as Ansible allows
     * {@code /usr/bin/env python3}). It contains no character a POSIX shell treats specially inside double quotes.
     */
    public static String command(String interpreter) {
        return interpreter + " -c \"" + stage1Python() + "\"";
    }

    /** The same, as an argument vector (for a parent agent starting a child without a shell). */
    public static String stage1Python() {
        String stage1 = "import os,sys,zlib\n"
                + "n=" + CORE.length + ";C=b''\n"
                + "while len(C)<n:\n"
                + " b=os.read(0,n-len(C))\n"
                + " if not b:sys.exit(1)\n"
                + " C+=b\n"
                + "exec(compile(zlib.decompress(C),'<ansible-mitogen-core>','exec'))\n";
        String b64 = Base64.getEncoder().encodeToString(compress(stage1.getBytes(StandardCharsets.US_ASCII)));
        return "import base64,zlib;exec(zlib.decompress(base64.b64decode('" + b64 + "')))";
    }

    /**
     * What to write on the new agent's stdin: the core, then the init call naming its context id.
     *
     * @param debug the context keeps a router debug log and passes the switch on to its children
     * @param zlibLevel above 0: every frame after this init frame travels zlib-compressed at that level, both
     *                  ways (link layer 1, docs/protocol.md); the context does not pass it on to its children
     */
    public static byte[] payload(int contextId, boolean debug, int zlibLevel) {
        ObjectNode init = Json.object().put("op", "init").put("context", contextId);
        if (debug) {
            init.put("debug", true);
        }
        if (zlibLevel > 0) {
            init.put("zlib", zlibLevel);
        }
        byte[] frame = FrameCodec.encode(contextId, Frame.ENGINE, 0, Frame.CALL, init, new byte[0]);
        byte[] out = new byte[CORE.length + frame.length];
        System.arraycopy(CORE, 0, out, 0, CORE.length);
        System.arraycopy(frame, 0, out, CORE.length, frame.length);
        return out;
    }

    private static byte[] loadCore() {
        try (InputStream in = AgentBootstrap.class.getResourceAsStream("core.py")) {
            if (in == null) {
                throw new IllegalStateException("agent core.py missing from the engine jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] compress(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
