package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keys held by an ssh-agent (SSH_AUTH_SOCK or IdentityAgent), spoken to over its Unix socket with the JDK's own
 * Unix domain sockets; MINA's protocol code does the rest. An agent is optional: a missing or dead socket means
 * "no agent keys", as with ssh.
 */
final class AgentSocketClient extends AbstractAgentProxy {
    private static final int MAX_REPLY = 256 * 1024;
    private final SocketChannel channel;

    private AgentSocketClient(SocketChannel channel) {
        super(null);
        this.channel = channel;
    }

    static SshAgent connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new AgentSocketClient(ch);
    }

    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer len = readFully(ByteBuffer.allocate(4));
        int n = len.flip().getInt();
        if (n <= 0 || n > MAX_REPLY) {
            throw new IOException("bad ssh-agent reply length " + n);
        }
        return new ByteArrayBuffer(readFully(ByteBuffer.allocate(n)).array());
    }

    private ByteBuffer readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("ssh-agent closed the connection");
            }
        }
        return b;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        super.close();
        channel.close();
    }

    /** Gives each session the agent its endpoint names, limited to the IdentityFile keys under IdentitiesOnly. */
    static final class Factory implements SshAgentFactory {
        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of(AgentRelayChannel.FACTORY); // used only on sessions that asked for it (ForwardAgent)
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
            SshEndpoint ep = session instanceof ClientSession cs && cs.getConnectionContext() != null
                    ? cs.getConnectionContext().getAttribute(SshEndpoint.KEY) : null;
            if (ep == null || ep.agentSocket() == null) {
                return new Filtered(null, List.of());
            }
            try {
                return new Filtered(connect(ep.agentSocket()), ep.agentKeysAllowed());
            } catch (IOException e) {
                return new Filtered(null, List.of()); // a stale SSH_AUTH_SOCK is no agent, not an error
            }
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            throw new UnsupportedOperationException("the engine never serves an ssh-agent");
        }
    }

    /** An agent (or none) whose identities are limited to {@code allowed} when that is not null. */
    private static final class Filtered implements SshAgent {
        private final SshAgent agent;
        private final List<PublicKey> allowed;

        Filtered(SshAgent agent, List<PublicKey> allowed) {
            this.agent = agent;
            this.allowed = allowed;
        }

        @Override
        public Iterable<? extends Map.Entry<PublicKey, String>> getIdentities() throws IOException {
            if (agent == null) {
                return List.of();
            }
            List<Map.Entry<PublicKey, String>> out = new ArrayList<>();
            for (Map.Entry<PublicKey, String> id : agent.getIdentities()) {
                if (allowed == null || allowed.stream().anyMatch(k -> KeyUtils.compareKeys(k, id.getKey()))) {
                    out.add(id);
                }
            }
            return out;
        }

        @Override
        public Map.Entry<String, byte[]> sign(org.apache.sshd.common.session.SessionContext session, PublicKey key,
                                              String algo, byte[] data) throws IOException {
            if (agent == null) {
                throw new IOException("no ssh-agent");
            }
            return agent.sign(session, key, algo, data);
        }

        @Override
        public void addIdentity(java.security.KeyPair key, String comment,
                                org.apache.sshd.agent.SshAgentKeyConstraint... constraints) {
            throw new UnsupportedOperationException("the engine never adds keys to an agent");
        }

        @Override
        public void removeIdentity(PublicKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeAllIdentities() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return agent == null || agent.isOpen();
        }

        @Override
        public void close() throws IOException {
            if (agent != null) {
                agent.close();
            }
        }
    }
}
