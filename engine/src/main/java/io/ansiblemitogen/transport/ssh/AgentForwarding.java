package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.AttributeRepository.AttributeKey;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * ForwardAgent as OpenSSH (9.2) applies it, checked against ssh itself: a plain ssh asks for forwarding only when
 * its own agent (IdentityAgent, else SSH_AUTH_SOCK) answers at login, so with no agent on the controller the
 * target sees no SSH_AUTH_SOCK at all; a ControlMaster (Ansible's default ssh_args) asks regardless; {@code yes} forwards that agent, {@code $VAR} the socket the variable names
 * (unset: no forwarding), a path that socket (missing: forwarding is asked for, and every use on the target
 * fails, as with ssh). Only the target is forwarded to, never a jump host (ssh -J's hops carry no session).
 */
final class AgentForwarding {
    /** The socket forwarded over a session, for its {@link AgentRelayChannel}s; absent: none. */
    static final AttributeKey<Path> SOCKET = new AttributeKey<>();

    private AgentForwarding() {
    }

    /** Forwarding asked for on the target's sessions; {@code socket} null: every agent channel is refused. */
    record Target(Path socket) {
    }

    /**
     * What ssh would do, or null when it would not ask for forwarding at all.
     *
     * @param authAgent   the agent the engine authenticates with (IdentityAgent or SSH_AUTH_SOCK), null for none
     * @param multiplexed whether stock's ssh runs as a ControlMaster: the master asks for forwarding even when
     *                    no agent answers (checked with ssh 9.2), so the target then sees an SSH_AUTH_SOCK that
     *                    fails
     */
    static Target target(String forwardAgent, Path authAgent, boolean multiplexed, String host, int port,
                         String user) {
        if (forwardAgent == null || forwardAgent.equalsIgnoreCase("no")) {
            return null;
        }
        if (!multiplexed && (authAgent == null || !answers(authAgent))) {
            return null;
        }
        if (forwardAgent.equalsIgnoreCase("yes")) {
            return new Target(authAgent);
        }
        if (forwardAgent.startsWith("$")) {
            String v = System.getenv(forwardAgent.substring(1));
            return v == null || v.isEmpty() ? null : new Target(Path.of(v));
        }
        return new Target(SshOptions.expandPath(forwardAgent, host, port, user));
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
