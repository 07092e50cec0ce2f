package io.ansiblemitogen.jenkins;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny engine speaking the real framing on a real Unix socket, for tests while the real daemon is written
 * elsewhere. No JSON library, so it can run from a bare jar: it reads {@code op} and {@code id} with a regex.
 * pool_status reports one target whose request count grows by 5 per call, and from the second call on a
 * second, younger target, i.e. one run that reused a connection and opened another.
 */
public final class FakeEngine implements Closeable {
    private static final Pattern OP = Pattern.compile("\"op\"\\s*:\\s*\"([a-z_]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    private final ServerSocketChannel server;
    private final Path socket;
    private final int protocol;
    private final AtomicInteger poolCalls = new AtomicInteger();
    private final AtomicInteger hellos = new AtomicInteger();
    private final Runnable onShutdown;
    private volatile boolean silent;

    public FakeEngine(Path socket, int protocol, Runnable onShutdown) throws IOException {
        this.socket = socket;
        this.protocol = protocol;
        this.onShutdown = onShutdown;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(this::acceptLoop, "fake-engine-accept");
        t.setDaemon(true);
        t.start();
    }

    /** Stop answering (but keep accepting): to test the client's deadline. */
    public void goSilent() {
        silent = true;
    }

    public int hellos() {
        return hellos.get();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> serve(c), "fake-engine-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            while (true) {
                String req = read(c);
                if (silent) {
                    continue;
                }
                Matcher op = OP.matcher(req);
                Matcher id = ID.matcher(req);
                if (!op.find() || !id.find()) {
                    write(c, "{\"id\":0,\"ok\":false,\"error\":{\"kind\":\"bad_request\",\"msg\":\"no op or id\"}}");
                    continue;
                }
                String rid = id.group(1);
                switch (op.group(1)) {
                    case "hello" -> {
                        hellos.incrementAndGet();
                        write(c, "{\"id\":" + rid + ",\"ok\":true,\"protocol\":" + protocol
                                + ",\"engine_version\":\"fake-1\"}");
                    }
                    case "pool_status" -> write(c, "{\"id\":" + rid + ",\"ok\":true,\"targets\":" + targets()
                            + ",\"connections_opened\":" + (poolCalls.get() == 1 ? 1 : 3) + "}");
                    case "shutdown" -> {
                        write(c, "{\"id\":" + rid + ",\"ok\":true}");
                        close();
                        onShutdown.run();
                        return;
                    }
                    default -> write(c, "{\"id\":" + rid + ",\"ok\":false,\"error\":{\"kind\":\"bad_request\","
                            + "\"msg\":\"unknown op " + op.group(1) + "\"}}");
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private String targets() {
        int n = poolCalls.incrementAndGet();
        String a = "{\"identity\":\"ssh:deploy@web1:22#k1\",\"host\":\"web1\",\"port\":22,\"user\":\"deploy\","
                + "\"contexts\":1,\"age_s\":" + (100 + n) + ",\"requests\":" + (5 * n) + ",\"bytes_in\":1,\"bytes_out\":2}";
        if (n == 1) {
            return "[" + a + "]";
        }
        return "[" + a + ",{\"identity\":\"ssh:deploy@web2:22#k1\",\"host\":\"web2\",\"port\":22,\"user\":\"deploy\","
                + "\"contexts\":2,\"age_s\":1.5,\"requests\":3,\"bytes_in\":1,\"bytes_out\":2}]";
    }

    static String read(SocketChannel c) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        fill(c, len);
        ByteBuffer body = ByteBuffer.allocate(len.flip().getInt());
        fill(c, body);
        return new String(body.array(), StandardCharsets.UTF_8);
    }

    static void write(SocketChannel c, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).flip();
        while (buf.hasRemaining()) {
            c.write(buf);
        }
    }

    private static void fill(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
