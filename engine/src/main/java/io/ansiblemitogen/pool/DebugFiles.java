package io.ansiblemitogen.pool;

import io.ansiblemitogen.agent.FrameTap;
import io.ansiblemitogen.wire.Frame;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * MITOGEN_ROUTER_DEBUG on the controller: one file per remote context of one login interpreter,
 * {@code DIR/HOST.N.ctxID.log}, with every frame the engine exchanged with that context. Frames are written as
 * kind, addresses, sizes and header fields known to hold no secret (as the agent's own debug log does): never a
 * password, module parameters, a command or a body. Log records are written with their text.
 */
public final class DebugFiles implements FrameTap, AutoCloseable {
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final List<String> SAFE = List.of("op", "fqn", "id", "method", "user", "name", "isolation",
            "has_zip", "zip_sha1", "zip_digest", "to", "ids", "tty", "runner", "rc", "stdout_len", "type", "eof",
            "size", "pid", "context", "protocol", "python", "has_stdin", "pty", "timeout", "password_via");

    private final Path dir;
    private final String prefix;
    private final Map<Integer, Writer> files = new ConcurrentHashMap<>();

    public DebugFiles(Path dir, String host) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        this.dir = dir;
        this.prefix = host.replaceAll("[^A-Za-z0-9._-]", "_") + "." + SERIAL.incrementAndGet();
    }

    @Override
    public void frame(boolean sent, Frame f) {
        int context = sent ? f.dst() : f.src();
        StringBuilder line = new StringBuilder().append(System.currentTimeMillis()).append(sent ? " send " : " recv ")
                .append(kind(f.kind())).append(" dst=").append(f.dst()).append(" src=").append(f.src())
                .append(" req=").append(f.req()).append(" body=").append(f.body().length).append('B');
        if (f.kind() == Frame.LOG) {
            line.append(' ').append(f.header().path("level").asText()).append(' ')
                    .append(f.header().path("name").asText()).append(": ").append(f.header().path("msg").asText());
        } else if (f.kind() != Frame.DATA) {
            for (String k : SAFE) {
                if (f.header().has(k)) {
                    line.append(' ').append(k).append('=').append(f.header().get(k).asText());
                }
            }
        }
        write(context, line.append('\n').toString());
    }

    private void write(int context, String line) {
        try {
            Writer w = files.computeIfAbsent(context, this::open);
            if (w != null) {
                synchronized (w) {
                    w.write(line);
                    w.flush();
                }
            }
        } catch (IOException ignored) {
            // Debug output is best effort; it must never fail a request.
        }
    }

    private Writer open(int context) {
        try {
            Path p = dir.resolve(prefix + ".ctx" + context + ".log");
            Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            return w;
        } catch (IOException e) {
            return null;
        }
    }

    private static String kind(byte k) {
        return switch (k) {
            case Frame.CALL -> "CALL";
            case Frame.REPLY -> "REPLY";
            case Frame.ERROR -> "ERROR";
            case Frame.LOG -> "LOG";
            case Frame.DATA -> "DATA";
            case Frame.HELLO -> "HELLO";
            case Frame.GONE -> "GONE";
            default -> String.valueOf(k);
        };
    }

    @Override
    public void close() {
        for (Writer w : files.values()) {
            try {
                w.close();
            } catch (IOException ignored) {
                // Best effort.
            }
        }
        files.clear();
    }
}
