package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.SshdFixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real sshds that listen on many loopback ports, so N inventory hosts are N distinct target identities (the
 * port is part of the identity) at the cost of a few servers: one sshd holds at most 16 listen sockets
 * (MAX_LISTEN_SOCKS), so each serves up to {@value #PORTS_PER_SSHD} ports. Each has a known_hosts that trusts
 * its host key on all its ports, so host key checking stays on as in a real setup.
 */
final class ManyPortSshd implements AutoCloseable {
    static final int PORTS_PER_SSHD = 15;

    private final List<SshdFixture> servers = new ArrayList<>();
    private final List<List<Integer>> portsByServer = new ArrayList<>();
    private final List<Path> knownHosts = new ArrayList<>();

    private ManyPortSshd(int count) {
        try {
            for (int left = count; left > 0; left -= PORTS_PER_SSHD) {
                startOne(Math.min(left, PORTS_PER_SSHD));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startOne(int count) {
        SshdFixture.Builder b = SshdFixture.builder();
        List<Integer> extra = freePorts(count - 1);
        for (int port : extra) {
            b.config("ListenAddress 127.0.0.1:" + port);
        }
        SshdFixture sshd = b.start();
        servers.add(sshd);
        List<Integer> ports = new ArrayList<>();
        ports.add(sshd.port());
        ports.addAll(extra);
        portsByServer.add(ports);
        Path kh = sshd.dir().resolve("known_hosts_all");
        knownHosts.add(kh);
        try {
            String key = Files.readString(sshd.hostKey().resolveSibling(sshd.hostKey().getFileName() + ".pub"));
            StringBuilder text = new StringBuilder();
            for (int port : ports) {
                text.append("[127.0.0.1]:").append(port).append(' ').append(key.strip()).append('\n');
            }
            Files.writeString(kh, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ManyPortSshd start(int count) {
        return new ManyPortSshd(count);
    }

    List<Integer> ports() {
        return portsByServer.stream().flatMap(List::stream).toList();
    }

    /** Logins over all servers (each sshd counts its own). */
    int acceptedConnections() {
        return servers.stream().mapToInt(SshdFixture::acceptedConnections).sum();
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        for (SshdFixture s : servers) {
            String log = s.readLog();
            b.append("--- sshd on ").append(s.port()).append(" (tail) ---\n")
                    .append(log.substring(Math.max(0, log.length() - 1500)));
        }
        return b.toString();
    }

    /** Hosts h01..hNN, one per port, each with the fixtures' key. */
    Inventory inventory() {
        Inventory inv = new Inventory();
        int n = 0;
        for (int s = 0; s < servers.size(); s++) {
            for (int port : portsByServer.get(s)) {
                Map<String, Object> v = Inventory.fixtureVars(servers.get(s));
                v.put("ansible_port", port);
                // This 2-core machine is shared with other test runs: give a slow interpreter start time.
                v.put("ansible_timeout", 60);
                v.put("ansible_ssh_common_args", "-o UserKnownHostsFile=" + knownHosts.get(s)
                        + " -o StrictHostKeyChecking=yes");
                inv.host(String.format("h%02d", ++n), v);
            }
        }
        return inv;
    }

    @Override
    public void close() {
        servers.forEach(SshdFixture::close);
    }

    private static List<Integer> freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            // Held open together so the n ports are distinct; sshd binds them a moment after they are closed.
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                held.add(s);
                ports.add(s.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }
}
