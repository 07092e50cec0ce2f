package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.AttributeRepository.AttributeKey;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * ForwardAgent as OpenSSH (9.2, 10.0) applies it, checked against ssh itself: forwarding is asked for only when
 * ssh's own agent (IdentityAgent, else SSH_AUTH_SOCK) answers at login, so with no agent on the controller the
 * target sees no SSH_AUTH_SOCK at all; {@code yes} forwards that agent, {@code $VAR} the socket the variable names
 * (unset: no forwarding), a path that socket (missing: forwarding is asked for, and every use on the target
 * fails, as with ssh). Only the target is forwarded to, never a jump host (ssh -J's hops carry no session).
 */
final class AgentForwarding {
    /** The socket forwarded over a session, for its {@link AgentRelayChannel}s; absent: none. */
    static final AttributeKey<Path> SOCKET = new AttributeKey<>();

    private AgentForwarding() {
    }

    /**
     * The socket to relay the target's agent channels to, or null when ssh would not request forwarding.
     *
     * @param authAgent the agent the engine authenticates with (IdentityAgent or SSH_AUTH_SOCK), null for none
     */
    static Path socket(String forwardAgent, Path authAgent, String host, int port, String user) {
        if (forwardAgent == null || forwardAgent.equalsIgnoreCase("no") || authAgent == null
                || !answers(authAgent)) {
            return null;
        }
        if (forwardAgent.equalsIgnoreCase("yes")) {
            return authAgent;
        }
        if (forwardAgent.startsWith("$")) {
            String v = System.getenv(forwardAgent.substring(1));
            return v == null || v.isEmpty() ? null : Path.of(v);
        }
        return SshOptions.expandPath(forwardAgent, host, port, user);
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
