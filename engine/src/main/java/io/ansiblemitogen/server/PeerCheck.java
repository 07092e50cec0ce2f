package io.ansiblemitogen.server;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * Admits only clients that run as the engine's own user. The 0700 socket directory is the first barrier; this
 * is the second, for a directory whose mode someone loosened while the daemon runs: whoever talks to the
 * engine drives every target it holds a connection to.
 */
final class PeerCheck {
    private final UserPrincipal owner;

    private PeerCheck(UserPrincipal owner) {
        this.owner = owner;
    }

    /** The user who owns {@code socket}: the engine's, as the engine just created it. */
    static PeerCheck sameUserAs(Path socket) throws IOException {
        return new PeerCheck(Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS));
    }

    boolean admits(SocketChannel ch) {
        UnixDomainPrincipal peer;
        try {
            peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return true; // No peer credentials on this platform: the directory's mode is the barrier.
        }
        if (peer == null || peer.user().equals(owner) || peer.user().getName().equals(owner.getName())) {
            return true;
        }
        System.err.println("ansible-mitogen engine: refused a client running as " + peer.user().getName()
                + " (this engine serves " + owner.getName() + " only)");
        return false;
    }
}
