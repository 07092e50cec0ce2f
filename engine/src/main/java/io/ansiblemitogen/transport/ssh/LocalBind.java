package io.ansiblemitogen.transport.ssh;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * BindAddress / BindInterface: the local address the first TCP connection leaves from (ssh binds only the socket
 * it opens itself, so hops reached through a tunnel are not bound). An interface gives its first address of the
 * destination's family, as ssh picks one.
 */
final class LocalBind {
    private LocalBind() {
    }

    static InetSocketAddress address(SshOptions o, InetSocketAddress to, String prefix) throws SshOptionException {
        String addr = o.bindAddress();
        if (addr != null) {
            try {
                return new InetSocketAddress(InetAddress.getByName(addr), 0);
            } catch (UnknownHostException e) {
                throw new SshOptionException(prefix + o.sourceOf("BindAddress") + ": bad BindAddress '" + addr + "'");
            }
        }
        String name = o.bindInterface();
        if (name == null) {
            return null;
        }
        boolean v4 = to.getAddress() instanceof Inet4Address;
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            if (nif != null) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if ((a instanceof Inet4Address) == v4) {
                        return new InetSocketAddress(a, 0);
                    }
                }
            }
        } catch (SocketException e) {
            // reported below
        }
        throw new SshOptionException(prefix + o.sourceOf("BindInterface") + ": BindInterface '" + name
                + "' has no " + (v4 ? "IPv4" : "IPv6") + " address");
    }
}
