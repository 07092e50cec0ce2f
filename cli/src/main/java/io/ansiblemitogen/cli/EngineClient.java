package io.ansiblemitogen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.server.MessageIO;
import io.ansiblemitogen.server.RequestHandler;
import io.ansiblemitogen.wire.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** A client of the engine protocol, for the CLI's own use (pool status, stop, finding a running daemon). */
public final class EngineClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private int nextId = 1;

    private EngineClient(SocketChannel channel) {
        this.channel = channel;
        this.in = Channels.newInputStream(channel);
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects and says hello; throws if nothing answers on {@code socket}. */
    public static EngineClient connect(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("no engine socket at " + socket);
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("no engine answers on " + socket + ": " + e.getMessage(), e);
        }
        EngineClient c = new EngineClient(ch);
        JsonNode hello = c.request(Json.object().put("op", "hello").put("protocol", RequestHandler.PROTOCOL)
                .put("client", "ansible-mitogen-cli"));
        if (!hello.path("ok").asBoolean()) {
            c.close();
            throw new IOException("engine at " + socket + " refused the hello: " + hello.path("error"));
        }
        return c;
    }

    /** True if a daemon answers on {@code socket}. */
    public static boolean isAlive(Path socket) {
        try (EngineClient ignored = connect(socket)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized JsonNode request(ObjectNode req) throws IOException {
        req.put("id", nextId++);
        MessageIO.write(out, req);
        JsonNode reply = MessageIO.read(in);
        if (reply == null) {
            throw new IOException("the engine closed the connection");
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
