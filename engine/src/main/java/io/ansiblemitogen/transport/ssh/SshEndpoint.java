package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.AttributeRepository.AttributeKey;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One SSH server to log in to (a target or a jump host): where to connect, as whom, and how its host key is
 * checked. It travels with the MINA session as its connection context, so the session listener and the host key
 * verifier see the settings of their own connection; {@link #rejection} carries the verifier's verdict back,
 * {@link #failure} the first error MINA reported for the session (e.g. no common algorithm).
 * {@code agentSocket} is null for "no agent"; {@code agentKeysAllowed} null for "every agent key";
 * {@code algorithms} holds only the lists an option changed.
 */
record SshEndpoint(String host, int port, String user, String keyLookupHost, int keyLookupPort,
                   SshOptions.HostKeyChecking hostKeyChecking, List<Path> knownHostsFiles, Path knownHostsToWrite,
                   boolean compression, int aliveIntervalSeconds, int aliveCountMax, Path agentSocket,
                   List<PublicKey> agentKeysAllowed, Map<Algorithms, List<String>> algorithms,
                   AtomicReference<String> rejection, AtomicReference<String> failure) {

    static final AttributeKey<SshEndpoint> KEY = new AttributeKey<>();

    /** {@code root@127.0.0.1:2222}, for messages. */
    String label() {
        return user + "@" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The host as known_hosts names it: {@code [host]:port} unless the port is 22. */
    String knownHostsName() {
        return keyLookupPort == 22 ? keyLookupHost : "[" + keyLookupHost + "]:" + keyLookupPort;
    }
}
