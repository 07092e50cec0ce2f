package io.ansiblemitogen.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ansiblemitogen.testkit.Inventory;

/**
 * The benchmark's targets: loopback OpenSSH sshd instances behind one {@link DelayProxy}, with one proxy port
 * (route) per inventory host so every host is its own SSH destination with its own counters.
 *
 * <p>One sshd serves up to {@link #HOSTS_PER_SSHD} hosts: sshd forks a process per connection anyway, so many
 * ports on one daemon cost the target side the same as one daemon per host, minus 300 idle listeners. The
 * split keeps each daemon under its MaxStartups (200 unauthenticated connections at once) when every host
 * connects at the same moment.
 */
final class Targets implements AutoCloseable {
    static final int HOSTS_PER_SSHD = 100;
    static final String HOST = "127.0.0.1";

    private final List<BenchSshd> sshds = new ArrayList<>();
    private final DelayProxy proxy;
    private final List<DelayProxy.Route> routes = new ArrayList<>();
    private final Path knownHosts;
    private final boolean hostKeyChecking;

    Targets(int hosts, Path workDir, boolean hostKeyChecking) {
        this.hostKeyChecking = hostKeyChecking;
        this.proxy = new DelayProxy(0);
        this.knownHosts = workDir.resolve("known_hosts");
        try {
            StringBuilder known = new StringBuilder();
            for (int i = 0; i < hosts; i++) {
                if (i % HOSTS_PER_SSHD == 0) {
                    sshds.add(new BenchSshd(workDir, workDir.resolve("client_ed25519")));
                }
                BenchSshd sshd = sshds.get(sshds.size() - 1);
                DelayProxy.Route r = proxy.addRoute(new InetSocketAddress(HOST, sshd.port()));
                routes.add(r);
                String key = Files.readString(sshd.hostKeyPub());
                known.append('[').append(HOST).append("]:").append(r.port()).append(' ').append(key.strip())
                        .append('\n');
            }
            Files.writeString(knownHosts, known);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    DelayProxy proxy() {
        return proxy;
    }

    int size() {
        return routes.size();
    }

    DelayProxy.Route route(int i) {
        return routes.get(i);
    }

    Path clientKey() {
        return sshds.get(0).clientKey();
    }

    Path knownHosts() {
        return knownHosts;
    }

    String user() {
        return System.getProperty("user.name");
    }

    static String hostName(int i) {
        return String.format("h%03d", i + 1);
    }

    /** ssh options every system gets alike: host keys checked against our known_hosts, or not at all. */
    String sshCommonArgs() {
        return hostKeyChecking
                ? "-o UserKnownHostsFile=" + knownHosts + " -o StrictHostKeyChecking=yes"
                : "-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no";
    }

    boolean hostKeyChecking() {
        return hostKeyChecking;
    }

    /** An inventory of the first {@code n} hosts, all in group {@code all}. */
    Path writeInventory(int n, Path file) {
        if (n > routes.size()) {
            throw new IllegalArgumentException(n + " hosts wanted, " + routes.size() + " started");
        }
        Inventory inv = new Inventory();
        for (int i = 0; i < n; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("ansible_host", HOST);
            v.put("ansible_port", routes.get(i).port());
            inv.host(hostName(i), v);
        }
        inv.var("ansible_connection", "ssh");
        inv.var("ansible_user", user());
        inv.var("ansible_ssh_private_key_file", clientKey().toString());
        inv.var("ansible_python_interpreter", "/usr/bin/python3");
        inv.var("ansible_ssh_common_args", sshCommonArgs());
        return inv.write(file);
    }

    @Override
    public void close() {
        proxy.close();
        for (BenchSshd s : sshds) {
            s.close();
        }
    }
}
