package io.ansiblemitogen.it.hops;

import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.SshKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A chain of network namespaces, each with a real sshd on port 22 of its own address, where every host is
 * reachable only from its neighbours:
 *
 * <pre>
 *   root ns  --veth 10.200.N.0/24--  bastion  --veth 10.200.N+1.0/24--  t1  --veth 10.200.N+2.0/24--  t2
 * </pre>
 *
 * No namespace forwards packets (ip_forward=0, no routes beyond the neighbour's subnet), so t1 can only be reached
 * by logging in to the bastion and t2 only through t1. Names carry a random tag so parallel runs never collide;
 * {@link #close()} kills every process left in the namespaces (by pid) and deletes namespaces and veths, and is
 * safe to call after a half-built set-up.
 */
final class NetnsLab implements AutoCloseable {
    private static final String[] NODES = {"bastion", "t1", "t2"};

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final int subnet = ThreadLocalRandom.current().nextInt(20, 80) * 3;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> rootVeths = new ArrayList<>();
    private final Map<String, Process> sshds = new LinkedHashMap<>();
    private final Path dir;

    NetnsLab() throws IOException {
        dir = Files.createTempDirectory("amhops-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Creates the namespaces and links, keys and known_hosts, and starts the three sshd. */
    NetnsLab start() throws IOException, InterruptedException {
        SshKeys.ed25519(hostKey(), "", "amhops");
        SshKeys.ed25519(clientKey(), "", "amhops");
        Files.copy(SshKeys.pub(clientKey()), authorizedKeys());
        StringBuilder known = new StringBuilder();
        String hostPub = Files.readString(SshKeys.pub(hostKey())).strip();
        for (String node : NODES) {
            String ns = ns(node);
            ip("netns", "add", ns);
            namespaces.add(ns);
            ipIn(ns, "link", "set", "lo", "up");
            sh("ip netns exec " + ns + " sysctl -q -w net.ipv4.ip_forward=0");
            known.append(address(node)).append(' ').append(hostPub).append('\n');
        }
        // root <-> bastion
        link(null, ns("bastion"), 0);
        // bastion <-> t1, t1 <-> t2
        link(ns("bastion"), ns("t1"), 1);
        link(ns("t1"), ns("t2"), 2);
        Files.writeString(knownHosts(), known.toString());
        for (String node : NODES) {
            startSshd(node);
        }
        return this;
    }

    /** The address of a node's sshd (port 22): the far end of the link that leads to it. */
    String address(String node) {
        int i = index(node);
        return "10.200." + (subnet + i) + ".2";
    }

    /** An address in the bastion's subnet where nothing listens (for a dead hop: refused at once). */
    String deadAddress() {
        return "10.200." + subnet + ".2";
    }

    Path clientKey() {
        return dir.resolve("id_ed25519");
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    Path dir() {
        return dir;
    }

    Path sshdLog(String node) {
        return dir.resolve("sshd-" + node + ".log");
    }

    /** Successful logins sshd of that node logged so far. */
    int logins(String node) throws IOException {
        Path log = sshdLog(node);
        if (!Files.exists(log)) {
            return 0;
        }
        return (int) Files.readAllLines(log).stream().filter(l -> l.matches(".*Accepted \\S+ for \\S+ from .*"))
                .count();
    }

    /** The address of the controller's end of the root link, as the bastion sees the engine. */
    String controllerAddress() {
        return "10.200." + subnet + ".1";
    }

    private int index(String node) {
        for (int i = 0; i < NODES.length; i++) {
            if (NODES[i].equals(node)) {
                return i;
            }
        }
        throw new IllegalArgumentException(node);
    }

    private String ns(String node) {
        return "amhop-" + tag + "-" + node;
    }

    private Path hostKey() {
        return dir.resolve("host_ed25519");
    }

    private Path authorizedKeys() {
        return dir.resolve("authorized_keys");
    }

    /** A veth pair: {@code left} (null: the root namespace) gets .1, {@code right} gets .2 of subnet+i. */
    private void link(String left, String right, int i) throws IOException, InterruptedException {
        String a = "amh" + tag + "a" + i;
        String b = "amh" + tag + "b" + i;
        ip("link", "add", a, "type", "veth", "peer", "name", b);
        if (left == null) {
            rootVeths.add(a);
        } else {
            ip("link", "set", a, "netns", left);
        }
        ip("link", "set", b, "netns", right);
        String net = "10.200." + (subnet + i) + ".";
        if (left == null) {
            ip("addr", "add", net + "1/24", "dev", a);
            ip("link", "set", a, "up");
        } else {
            ipIn(left, "addr", "add", net + "1/24", "dev", a);
            ipIn(left, "link", "set", a, "up");
        }
        ipIn(right, "addr", "add", net + "2/24", "dev", b);
        ipIn(right, "link", "set", b, "up");
    }

    private void startSshd(String node) throws IOException, InterruptedException {
        Path config = dir.resolve("sshd_config-" + node);
        Files.writeString(config, String.join("\n",
                "ListenAddress " + address(node) + ":22",
                "HostKey " + hostKey(),
                "PidFile " + dir.resolve("sshd-" + node + ".pid"),
                "AuthorizedKeysFile " + authorizedKeys(),
                "PermitRootLogin yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "StrictModes no",
                "UsePAM no",
                "UseDNS no",
                "PrintMotd no",
                "AllowTcpForwarding yes",
                "MaxStartups 100:30:200",
                "MaxSessions 100",
                "LogLevel VERBOSE",
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                ""));
        Path log = sshdLog(node);
        Process p = new ProcessBuilder("ip", "netns", "exec", ns(node), "/usr/sbin/sshd", "-D", "-e", "-f",
                config.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        sshds.put(node, p);
        long deadline = System.currentTimeMillis() + 15_000;
        while (!Files.exists(log) || !Files.readString(log).contains("Server listening on")) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("sshd in " + ns(node) + " did not start: "
                        + (Files.exists(log) ? Files.readString(log) : "no log"));
            }
            Thread.sleep(20);
        }
    }

    /** Stops one node's sshd and every session it serves (the node is then a dead hop). */
    void stopSshd(String node) {
        Process p = sshds.remove(node);
        if (p != null) {
            killNamespaceProcesses(ns(node));
            p.destroyForcibly();
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void ipIn(String ns, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void sh(String cmd) throws IOException, InterruptedException {
        run(List.of("sh", "-c", cmd));
    }

    private static void run(List<String> argv) {
        Procs.Output o = Procs.run(argv, null, 20);
        if (o.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (" + o.exitCode() + "): "
                    + o.stderr() + o.stdout());
        }
    }

    /** Every process running in the namespace: the sshd and the sessions (and agents) it started. */
    private static void killNamespaceProcesses(String ns) {
        Procs.Output o = Procs.run(List.of("ip", "netns", "pids", ns), null, 10);
        for (String pid : o.stdout().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            killNamespaceProcesses(ns);
        }
        sshds.values().forEach(Process::destroyForcibly);
        sshds.clear();
        for (String veth : rootVeths) {
            Procs.run(List.of("ip", "link", "del", veth), null, 10);
        }
        for (String ns : namespaces) {
            // Deleting the namespace also deletes the veths inside it (and so their peers).
            Procs.run(List.of("ip", "netns", "del", ns), null, 10);
        }
        namespaces.clear();
        if (!Boolean.getBoolean("testkit.keep")) {
            Procs.deleteTree(dir);
        }
    }
}
