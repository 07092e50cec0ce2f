package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.engine.TransportFactory;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthServiceFactory;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.ForwardingFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Opens transports by connection type: {@code ssh} through one shared MINA {@link SshClient} (NIO2, no ssh
 * process per target), {@code local} as {@link LocalTransport}. A {@code via} hop that is itself SSH carries the
 * new session through a tunnel on its own session, like {@code ssh -J}: credentials never leave the controller.
 *
 * <p>Lifecycle: construct once per engine, pass to {@code new Engine(factory)}, {@link #close()} after the engine
 * is closed. The MINA client starts on the first SSH target.
 */
public final class SshTransportFactory implements TransportFactory, AutoCloseable {
    private SshClient client;
    private boolean closed;

    public SshTransportFactory() {
    }

    @Override
    public Transport open(TargetSpec target, Transport via) throws TransportException {
        String type = target.transport().toLowerCase(Locale.ROOT);
        switch (type) {
            case "local":
                return new LocalTransport();
            case "ssh":
            case "paramiko":
            case "smart":
                return new SshLogin(client(), target, viaSession(target, via)).open();
            default:
                throw new SshOptionException("ansible_connection: connection type '" + target.transport()
                        + "' is not supported by this engine");
        }
    }

    @Override
    public void warmUp() {
        try {
            client();
            CryptoWarmUp.run();
        } catch (TransportException | RuntimeException e) {
            // Best effort: the first real connection reports whatever is really wrong.
        }
    }

    private static ClientSession viaSession(TargetSpec target, Transport via) throws TransportException {
        if (via == null || via instanceof LocalTransport) {
            return null;
        }
        if (via instanceof SshTransport s) {
            if (!s.isConnected()) {
                throw new TransportException("the hop " + s.describe() + " to " + target.displayName()
                        + " is not connected");
            }
            return s.session();
        }
        throw new SshOptionException("cannot reach an ssh target through a '" + via.describe() + "' hop");
    }

    synchronized SshClient client() throws TransportException {
        if (closed) {
            throw new TransportException("the SSH client is closed");
        }
        if (client == null) {
            SshClient c = SshClient.setUpDefaultClient();
            // Nothing from ~/.ssh/config: connection settings come from Ansible's variables (and SSH_AUTH_SOCK).
            c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            c.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
            c.setServerKeyVerifier(new HostKeyPolicy());
            c.setAgentFactory(new AgentSocketClient.Factory());
            c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE,
                    UserAuthKeyboardInteractiveFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
            c.setForwardingFilter(LOOPBACK_TUNNELS_ONLY);
            c.addSessionListener(new PerConnectionSettings());
            c.setServiceFactories(List.of(ClientUserAuthServiceFactory.INSTANCE, new KeepaliveConnectionService()));
            c.setCipherFactories(CipherOrder.sort(c.getCipherFactories()));
            // Requests and replies are small frames: no Nagle delay on the engine's side.
            CoreModuleProperties.TCP_NODELAY.set(c, true);
            // MINA would close a session after 10 silent minutes, i.e. in the middle of a long quiet task; liveness
            // is the keepalives' job (ServerAliveInterval), as with ssh.
            CoreModuleProperties.IDLE_TIMEOUT.set(c, Duration.ZERO);
            c.start();
            client = c;
        }
        return client;
    }

    /** Stops the SSH client and with it every session it opened. */
    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.stop();
            client = null;
        }
    }

    /**
     * Applies what must be fixed before the key exchange starts: compression, and host key algorithms ordered so
     * the ones known_hosts holds for this host come first (ssh does the same, or a host known by its RSA key would
     * fail when the server prefers to show its ECDSA one).
     */
    private static final class PerConnectionSettings implements SessionListener {
        @Override
        public void sessionException(Session session, Throwable t) {
            if (session instanceof ClientSession cs && cs.getConnectionContext() != null) {
                SshEndpoint ep = cs.getConnectionContext().getAttribute(SshEndpoint.KEY);
                if (ep != null && t != null) {
                    ep.failure().compareAndSet(null, t.getMessage() == null ? t.toString() : t.getMessage());
                }
            }
        }

        @Override
        public void sessionCreated(Session session) {
            if (!(session instanceof ClientSession cs) || cs.getConnectionContext() == null) {
                return;
            }
            SshEndpoint ep = cs.getConnectionContext().getAttribute(SshEndpoint.KEY);
            if (ep == null) {
                return;
            }
            cs.setCompressionFactories(ep.compression()
                    ? List.of(BuiltinCompressions.delayedZlib, BuiltinCompressions.zlib, BuiltinCompressions.none)
                    : List.of(BuiltinCompressions.none));
            List<String> v = ep.algorithms().get(Algorithms.CIPHERS);
            if (v != null) {
                cs.setCipherFactories(Algorithms.CIPHERS.factories(v));
            }
            v = ep.algorithms().get(Algorithms.MACS);
            if (v != null) {
                cs.setMacFactories(Algorithms.MACS.factories(v));
            }
            v = ep.algorithms().get(Algorithms.KEX);
            if (v != null) {
                cs.setKeyExchangeFactories(Algorithms.KEX.factories(v));
            }
            v = ep.algorithms().get(Algorithms.HOST_KEYS);
            if (v != null) {
                cs.setSignatureFactories(Algorithms.HOST_KEYS.factories(v));
            }
            Set<String> known = HostKeyPolicy.knownKeyTypes(ep);
            if (!known.isEmpty()) {
                List<NamedFactory<Signature>> first = new ArrayList<>();
                List<NamedFactory<Signature>> rest = new ArrayList<>();
                for (NamedFactory<Signature> f : cs.getSignatureFactories()) {
                    (known.contains(f.getName()) ? first : rest).add(f);
                }
                first.addAll(rest);
                cs.setSignatureFactories(first);
            }
        }
    }

    /**
     * ServerAliveInterval/CountMax as MINA heartbeats: a keepalive request wanting a reply every interval, the
     * session closed after CountMax unanswered ones. MINA reads these settings when it creates the connection
     * service, which happens while the session is being constructed: hence a factory, not a session listener.
     */
    private static final class KeepaliveConnectionService implements ServiceFactory {
        @Override
        public String getName() {
            return ClientConnectionServiceFactory.INSTANCE.getName();
        }

        @Override
        public Service create(Session session) throws IOException {
            SshEndpoint ep = session instanceof ClientSession cs && cs.getConnectionContext() != null
                    ? cs.getConnectionContext().getAttribute(SshEndpoint.KEY) : null;
            if (ep != null && ep.aliveIntervalSeconds() > 0) {
                CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, Duration.ofSeconds(ep.aliveIntervalSeconds()));
                CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, ep.aliveCountMax());
            }
            return ClientConnectionServiceFactory.INSTANCE.create(session);
        }
    }

    /** The client only ever listens for its own hop tunnels, on loopback; it never serves forwarding requests. */
    private static final ForwardingFilter LOOPBACK_TUNNELS_ONLY = new ForwardingFilter() {
        @Override
        public boolean canForwardAgent(Session session, String requestType) {
            return false;
        }

        @Override
        public boolean canForwardX11(Session session, String requestType) {
            return false;
        }

        @Override
        public boolean canListen(SshdSocketAddress address, Session session) {
            return SshdSocketAddress.isLoopback(address.getHostName());
        }

        @Override
        public boolean canConnect(TcpForwardingFilter.Type type, SshdSocketAddress address, Session session) {
            return false;
        }
    };
}
