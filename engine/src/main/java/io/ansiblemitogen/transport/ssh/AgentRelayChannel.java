package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One {@code auth-agent@openssh.com} channel the target's sshd opens when a program there talks to the forwarded
 * agent (ForwardAgent): relayed byte for byte to the controller's agent socket, as ssh does. Nothing is parsed or
 * filtered, so the target sees the whole agent (IdentitiesOnly limits only what the engine itself offers, as with
 * ssh), adding and removing keys included. When the socket cannot be reached the channel is refused, which is what
 * ssh answers too.
 */
final class AgentRelayChannel extends AbstractServerChannel {
    /** Registered on the client; sshd only opens such channels on sessions that asked for forwarding. */
    static final ChannelFactory FACTORY = new ChannelFactory() {
        @Override
        public String getName() {
            return "auth-agent@openssh.com";
        }

        @Override
        public Channel createChannel(Session session) {
            return new AgentRelayChannel();
        }
    };

    private static final int CHUNK = 16 * 1024;

    private SocketChannel agent;

    private AgentRelayChannel() {
        super("", java.util.List.of(), null);
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        OpenFuture f = new DefaultOpenFuture(this, this);
        Path socket = getSession().getAttribute(AgentForwarding.SOCKET);
        try {
            if (socket == null) {
                throw new IOException("agent forwarding was not requested on this connection");
            }
            agent = SocketChannel.open(StandardProtocolFamily.UNIX);
            agent.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = new ChannelOutputStream(this, getRemoteWindow(), log,
                    SshConstants.SSH_MSG_CHANNEL_DATA, true);
            signalChannelOpenSuccess();
            f.setOpened();
            Thread t = new Thread(() -> pump(out), "agent-relay " + socket);
            t.setDaemon(true);
            t.start();
        } catch (IOException | RuntimeException e) {
            closeAgent();
            signalChannelOpenFailure(e);
            f.setException(e);
        }
        return f;
    }

    /** Agent -> target, until the agent closes its end; then the channel closes, as ssh's does. */
    private void pump(OutputStream out) {
        ByteBuffer b = ByteBuffer.allocate(CHUNK);
        try {
            while (agent.read(b) >= 0) {
                out.write(b.array(), 0, b.position());
                out.flush();
                b.clear();
            }
        } catch (IOException e) {
            // The agent or the channel went away: either way this relay is over.
        } finally {
            closeAgent();
            close(false);
        }
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        getLocalWindow().consume(len);
        ByteBuffer b = ByteBuffer.wrap(data, off, (int) len);
        while (b.hasRemaining()) {
            agent.write(b);
        }
        getLocalWindow().release(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("an agent channel carries no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        try {
            if (agent != null && agent.isOpen()) {
                agent.shutdownOutput(); // the agent answers what it got, then the pump ends the channel
            }
        } finally {
            super.handleEof();
        }
    }

    @Override
    protected void preClose() {
        closeAgent();
        super.preClose();
    }

    private void closeAgent() {
        if (agent != null) {
            try {
                agent.close();
            } catch (IOException ignored) {
                // Closing a Unix socket we own: nothing left to do.
            }
        }
    }
}
