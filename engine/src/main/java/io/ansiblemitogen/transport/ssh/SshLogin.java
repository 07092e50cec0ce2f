package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.transport.TransportException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Logs in to one target, through its ProxyJump hosts and a via session if any: TCP, key exchange, auth. One
 * instance per {@link #open()}: the settings it derives there (agent, algorithms) serve every hop of that login.
 */
final class SshLogin {
    /** Used when neither ansible_ssh_timeout nor ConnectTimeout is set (ssh would wait for the system's TCP). */
    private static final int DEFAULT_CONNECT_TIMEOUT_S = 30;
    /** Authentication may include a slow password check on the server: never less than this. */
    private static final int MIN_AUTH_TIMEOUT_S = 30;
    /** The engine keeps connections for a whole run: without keepalives a silently dead peer would hang a task. */
    private static final int DEFAULT_SERVER_ALIVE_INTERVAL_S = 30;

    private final SshClient client;
    private final TargetSpec target;
    private final ClientSession via;
    private Path agentSocket;
    private List<java.security.PublicKey> agentKeysAllowed;
    private Map<Algorithms, List<String>> algorithms = Map.of();

    SshLogin(SshClient client, TargetSpec target, ClientSession via) {
        this.client = client;
        this.target = target;
        this.via = via;
    }

    SshTransport open() throws TransportException {
        SshOptions o = SshOptions.forTarget(target);
        String localUser = System.getProperty("user.name");
        String host = o.hostName(target.host());
        if (host == null || host.isBlank()) {
            throw new SshOptionException("ansible_host: no address for " + target.displayName());
        }
        String user = o.user(localUser);
        int port = o.port();
        List<Path> keyFiles = new ArrayList<>();
        for (String f : o.identityFiles()) {
            keyFiles.add(SshOptions.expandPath(f, host, port, user));
        }
        Path authAgent = agentSocket(o.identityAgent());
        Path agentSocket = o.pubkeyAuthentication() ? authAgent : null;
        SshIdentities.Loaded ids = o.pubkeyAuthentication()
                ? SshIdentities.load(keyFiles, target.privateKeyPassphrase(), agentSocket != null)
                : new SshIdentities.Loaded(List.of(), List.of(), List.of());
        this.agentSocket = agentSocket;
        this.agentKeysAllowed = o.identitiesOnly() ? ids.publicKeys() : null;
        this.algorithms = algorithms(o);
        List<ClientSession> jumps = new ArrayList<>();
        ClientSession through = via;
        try {
            for (SshOptions.Jump j : o.proxyJumps()) {
                int jport = j.port() == null ? 22 : j.port();
                String juser = j.user() == null ? localUser : j.user();
                SshEndpoint jep = endpoint(o, j.host(), jport, juser, j.host(), jport);
                ClientSession js = login(jep, o, ids, through, "jump host " + jep.label() + ": ");
                jumps.add(js);
                through = js;
            }
            String alias = o.hostKeyAlias();
            SshEndpoint ep = endpoint(o, host, port, user, alias != null ? alias : host, alias != null ? 22 : port);
            ClientSession s = login(ep, o, ids, through, "");
            AgentForwarding.Target forward = AgentForwarding.target(o.forwardAgent(), authAgent,
                    o.multiplexedLikeSsh(), host, port, user);
            if (forward != null && forward.socket() != null) {
                s.setAttribute(AgentForwarding.SOCKET, forward.socket());
            }
            String label = ep.label() + (through == null ? "" : " (tunnelled)");
            return new SshTransport(s, jumps, label, authTimeoutMillis(o), o.linkCompressionLevel(), forward != null,
                    o.environment(System.getenv()));
        } catch (TransportException | RuntimeException e) {
            jumps.forEach(j -> j.close(true));
            throw e;
        }
    }

    private SshEndpoint endpoint(SshOptions o, String host, int port, String user, String lookupHost,
                                 int lookupPort) {
        List<Path> files = new ArrayList<>();
        Path toWrite = null;
        for (String f : o.userKnownHostsFiles()) {
            if (f.equalsIgnoreCase("none")) {
                continue;
            }
            Path p = SshOptions.expandPath(f, host, port, user);
            files.add(p);
            if (toWrite == null && !p.toString().equals("/dev/null")) {
                toWrite = p;
            }
        }
        for (String f : o.globalKnownHostsFiles()) {
            if (!f.equalsIgnoreCase("none")) {
                files.add(SshOptions.expandPath(f, host, port, user));
            }
        }
        SshOptions.HostKeyChecking mode = o.batchMode() && o.hostKeyChecking() == SshOptions.HostKeyChecking.ASK
                ? SshOptions.HostKeyChecking.YES : o.hostKeyChecking();
        Integer alive = o.serverAliveInterval();
        return new SshEndpoint(host, port, user, lookupHost, lookupPort, mode, files, toWrite, o.compression(),
                alive == null ? DEFAULT_SERVER_ALIVE_INTERVAL_S : alive, Math.max(1, o.serverAliveCountMax()),
                agentSocket, agentKeysAllowed, algorithms, new AtomicReference<>(), new AtomicReference<>());
    }

    private ClientSession login(SshEndpoint ep, SshOptions o, SshIdentities.Loaded ids, ClientSession through,
                                String prefix) throws TransportException {
        ExplicitPortForwardingTracker tunnel = null;
        ClientSession s = null;
        try {
            InetSocketAddress addr;
            if (through != null) {
                // A loopback listener on the hop session's tunnel; it is closed as soon as this session is up.
                tunnel = through.createLocalPortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
                        new SshdSocketAddress(ep.host(), ep.port()));
                addr = tunnel.getBoundAddress().toInetSocketAddress();
            } else {
                addr = resolve(ep.host(), ep.port(), o.addressFamily(), prefix);
            }
            s = connect(ep, o, addr, through == null ? LocalBind.address(o, addr, prefix) : null, prefix);
            configure(s, o, ids);
            authenticate(s, ep, o, ids, prefix);
            return s;
        } catch (IOException e) {
            if (s != null) {
                s.close(true);
            }
            throw new TransportException(prefix + (through != null && s == null ? "cannot open a tunnel to "
                    : "cannot connect to ") + ep.label() + ": " + e.getMessage(), e);
        } catch (TransportException | RuntimeException e) {
            if (s != null) {
                s.close(true);
            }
            throw e;
        } finally {
            if (tunnel != null) {
                try {
                    tunnel.close(); // stops listening; the connection made through it stays up
                } catch (IOException ignored) {
                    // Best effort: the listener dies with the hop session anyway.
                }
            }
        }
    }

    private Map<Algorithms, List<String>> algorithms(SshOptions o) throws SshOptionException {
        Map<Algorithms, List<String>> out = new EnumMap<>(Algorithms.class);
        for (Algorithms kind : Algorithms.values()) {
            List<String> defaults = switch (kind) {
                case CIPHERS -> Algorithms.names(client.getCipherFactories());
                case MACS -> Algorithms.names(client.getMacFactories());
                case KEX -> Algorithms.names(client.getKeyExchangeFactories());
                case HOST_KEYS, PUBKEYS -> Algorithms.names(client.getSignatureFactories());
            };
            List<String> chosen = kind.resolve(o.algorithms(kind), defaults, o.sourceOf(kind.option));
            if (chosen != null) {
                out.put(kind, chosen);
            }
        }
        return out;
    }

    /**
     * The agent socket to use: IdentityAgent ({@code none}, {@code SSH_AUTH_SOCK}, {@code $VAR}, a path), else the
     * engine's SSH_AUTH_SOCK; null when there is none (an agent is never required).
     */
    private Path agentSocket(String identityAgent) {
        String v = identityAgent;
        if (v == null || v.equals("SSH_AUTH_SOCK")) {
            v = System.getenv("SSH_AUTH_SOCK");
        } else if (v.equalsIgnoreCase("none")) {
            v = null;
        } else if (v.startsWith("$")) {
            v = System.getenv(v.substring(1));
        }
        if (v == null || v.isBlank()) {
            return null;
        }
        Path p = SshOptions.expandPath(v, target.host(), 22, "");
        return java.nio.file.Files.exists(p) ? p : null;
    }

    private static InetSocketAddress resolve(String host, int port, String family, String prefix)
            throws TransportException {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (family.equals("any") || (family.equals("inet") && a instanceof Inet4Address)
                        || (family.equals("inet6") && a instanceof Inet6Address)) {
                    return new InetSocketAddress(a, port);
                }
            }
            throw new TransportException(prefix + "no " + family + " address for host '" + host + "'");
        } catch (UnknownHostException e) {
            throw new TransportException(prefix + "no such host '" + host + "' (name resolution failed)", e);
        }
    }

    private ClientSession connect(SshEndpoint ep, SshOptions o, InetSocketAddress addr, InetSocketAddress local,
                                  String prefix) throws TransportException, IOException {
        int timeoutS = connectTimeoutSeconds(o);
        Throwable last = null;
        for (int attempt = 1; attempt <= o.connectionAttempts(); attempt++) {
            if (attempt > 1) {
                sleep(1000); // ssh waits a second between ConnectionAttempts
            }
            ConnectFuture cf = client.connect(ep.user(), addr,
                    AttributeRepository.ofKeyValuePair(SshEndpoint.KEY, ep), local);
            if (!cf.await(Duration.ofSeconds(timeoutS))) {
                cf.cancel();
                last = new SocketTimeoutException();
                continue;
            }
            if (cf.getException() != null) {
                last = cf.getException();
                continue;
            }
            return cf.getSession();
        }
        throw new TransportException(prefix + describeConnectFailure(last, ep, timeoutS), last);
    }

    private static String describeConnectFailure(Throwable e, SshEndpoint ep, int timeoutS) {
        String where = ep.host() + ":" + ep.port();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return "connection refused by " + where;
            }
            if (c instanceof SocketTimeoutException) {
                return "timed out after " + timeoutS + " s connecting to " + where;
            }
            if (c instanceof NoRouteToHostException) {
                return "no route to host " + where;
            }
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return "no such host '" + ep.host() + "'";
            }
        }
        return "cannot connect to " + where + ": " + (e == null ? "unknown error" : e.getMessage());
    }

    private void configure(ClientSession s, SshOptions o, SshIdentities.Loaded ids) {
        for (KeyPair k : ids.keys()) {
            s.addPublicKeyIdentity(k);
        }
        if (target.password() != null) {
            s.addPasswordIdentity(target.password());
        }
        s.setUserAuthFactories(authFactories(o, ids));
    }

    private List<UserAuthFactory> authFactories(SshOptions o, SshIdentities.Loaded ids) {
        List<UserAuthFactory> out = new ArrayList<>();
        for (String m : o.authMethods()) {
            switch (m) {
                case "publickey" -> {
                    if (!ids.keys().isEmpty() || agentSocket != null) {
                        List<String> sigs = algorithms.get(Algorithms.PUBKEYS);
                        out.add(sigs == null ? UserAuthPublicKeyFactory.INSTANCE
                                : new UserAuthPublicKeyFactory(Algorithms.PUBKEYS.factories(sigs)));
                    }
                }
                case "keyboard-interactive" -> {
                    if (target.password() != null) {
                        out.add(UserAuthKeyboardInteractiveFactory.INSTANCE);
                    }
                }
                case "password" -> {
                    if (target.password() != null) {
                        out.add(UserAuthPasswordFactory.INSTANCE);
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }

    private void authenticate(ClientSession s, SshEndpoint ep, SshOptions o, SshIdentities.Loaded ids,
                              String prefix) throws TransportException, IOException {
        int timeoutS = connectTimeoutSeconds(o);
        Set<ClientSessionEvent> ev = s.waitFor(EnumSet.of(ClientSessionEvent.WAIT_AUTH, ClientSessionEvent.CLOSED,
                ClientSessionEvent.AUTHED), Duration.ofSeconds(timeoutS));
        if (ep.rejection().get() != null) {
            throw new TransportException(prefix + ep.rejection().get());
        }
        if (ev.contains(ClientSessionEvent.CLOSED)) {
            String why = ep.failure().get();
            throw new TransportException(prefix + "the SSH connection to " + ep.label()
                    + " closed during the key exchange" + (why == null ? "" : ": " + why));
        }
        if (ev.contains(ClientSessionEvent.TIMEOUT)) {
            throw new TransportException(prefix + "timed out after " + timeoutS + " s waiting for the SSH handshake"
                    + " with " + ep.label());
        }
        List<UserAuthFactory> methods = s.getUserAuthFactories();
        if (methods.isEmpty()) {
            throw new TransportException(prefix + "no way to authenticate to " + ep.label() + ": "
                    + credentialsSummary(ids, o));
        }
        AuthFuture af = s.auth();
        long authMs = authTimeoutMillis(o);
        if (!af.await(Duration.ofMillis(authMs))) {
            throw new TransportException(prefix + "timed out after " + authMs / 1000 + " s authenticating to "
                    + ep.label());
        }
        if (!af.isSuccess()) {
            if (ep.rejection().get() != null) {
                throw new TransportException(prefix + ep.rejection().get());
            }
            List<String> tried = new ArrayList<>();
            methods.forEach(f -> tried.add(f.getName()));
            throw new TransportException(prefix + "Permission denied (" + String.join(",", tried) + ") for "
                    + ep.label() + ": " + credentialsSummary(ids, o), af.getException());
        }
    }

    private String credentialsSummary(SshIdentities.Loaded ids, SshOptions o) {
        List<String> parts = new ArrayList<>();
        parts.add(ids.keys().isEmpty() ? "no usable private key" : ids.keys().size() + " key(s) offered");
        parts.add(agentSocket == null ? "no ssh-agent" : "ssh-agent " + agentSocket
                + (agentKeysAllowed == null ? "" : " (IdentitiesOnly)"));
        parts.addAll(ids.notes());
        parts.add(target.password() == null ? "no password" : "password offered");
        parts.add("methods allowed: " + String.join(",", o.authMethods()));
        return String.join("; ", parts);
    }

    private int connectTimeoutSeconds(SshOptions o) {
        Integer t = o.connectTimeout();
        return t == null ? DEFAULT_CONNECT_TIMEOUT_S : t;
    }

    private long authTimeoutMillis(SshOptions o) {
        return Math.max(MIN_AUTH_TIMEOUT_S, connectTimeoutSeconds(o)) * 1000L;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
