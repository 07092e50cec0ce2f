package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code ansible_connection: ssh}: one authenticated MINA session to the target; every command (login
 * interpreters, raw commands) is an exec channel on it. Jump hosts opened for ProxyJump belong to the transport
 * and close with it; a hop passed in as {@code via} belongs to the pool.
 */
public final class SshTransport implements Transport {
    private final ClientSession session;
    private final List<ClientSession> ownedJumps;
    private final String label;
    private final long channelTimeoutMillis;
    private final int linkCompressionLevel;
    private final boolean forwardAgent;
    private final Map<String, String> environment;

    SshTransport(ClientSession session, List<ClientSession> ownedJumps, String label, long channelTimeoutMillis,
                 int linkCompressionLevel, boolean forwardAgent, Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.linkCompressionLevel = linkCompressionLevel;
        this.forwardAgent = forwardAgent;
        this.session = session;
        this.ownedJumps = List.copyOf(ownedJumps);
        this.label = label;
        this.channelTimeoutMillis = channelTimeoutMillis;
    }

    /** The session, for tunnelling the next hop through it. */
    ClientSession session() {
        return session;
    }

    @Override
    public RemoteProcess exec(String command) throws TransportException {
        if (!isConnected()) {
            throw new TransportException("the SSH connection to " + label + " was lost");
        }
        ChannelExec ch = null;
        try {
            ch = session.createExecChannel(command);
            // As ssh does for every session: sshd then sets SSH_AUTH_SOCK for the command (ForwardAgent).
            ch.setAgentForwarding(forwardAgent);
            // SendEnv/SetEnv: "env" requests before the command, as ssh sends them; sshd's AcceptEnv decides.
            environment.forEach(ch::setEnv);
            OpenFuture f = ch.open();
            if (!f.await(channelTimeoutMillis)) {
                ch.close(true);
                throw new TransportException("the SSH server " + label + " did not open a channel within "
                        + channelTimeoutMillis / 1000 + " s");
            }
            if (!f.isOpened()) {
                Throwable e = f.getException();
                ch.close(true);
                throw new TransportException("the SSH server " + label + " refused to run a command"
                        + (e == null ? "" : ": " + e.getMessage()) + (isConnected() ? "" : " (connection lost)"), e);
            }
            return SshProcess.of(ch, label);
        } catch (IOException e) {
            if (ch != null) {
                ch.close(true);
            }
            throw new TransportException("cannot run a command on " + label + ": " + e.getMessage()
                    + (isConnected() ? "" : " (connection lost)"), e);
        }
    }

    @Override
    public int linkCompressionLevel() {
        return linkCompressionLevel;
    }

    @Override
    public boolean isConnected() {
        if (!session.isOpen() || session.isClosing()) {
            return false;
        }
        for (ClientSession j : ownedJumps) {
            if (!j.isOpen() || j.isClosing()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String describe() {
        return "ssh " + label;
    }

    @Override
    public void close() {
        session.close(true);
        List<ClientSession> rev = new ArrayList<>(ownedJumps);
        Collections.reverse(rev);
        rev.forEach(j -> j.close(true));
    }
}
