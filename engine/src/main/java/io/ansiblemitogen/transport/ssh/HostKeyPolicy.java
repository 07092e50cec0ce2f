package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a server's host key against known_hosts files the way ssh(1) does: plain, hashed and {@code [host]:port}
 * entries, {@code @revoked} markers, several files, HostKeyAlias; StrictHostKeyChecking decides what happens to
 * unknown and changed keys ({@code ask} acts as {@code yes}: the engine has no terminal to ask on).
 */
final class HostKeyPolicy implements ServerKeyVerifier {
    private static final Object WRITE_LOCK = new Object();

    enum Verdict { KNOWN, UNKNOWN, CHANGED, REVOKED }

    record Lookup(Verdict verdict, String detail) {
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        SshEndpoint ep = session.getConnectionContext() == null ? null
                : session.getConnectionContext().getAttribute(SshEndpoint.KEY);
        if (ep == null) {
            return false; // Not one of ours: never trust by default.
        }
        Lookup l = lookup(ep, serverKey);
        String fp = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(serverKey);
        String files = describeFiles(ep.knownHostsFiles());
        switch (l.verdict()) {
            case KNOWN:
                return true;
            case REVOKED:
                ep.rejection().set("host key for " + ep.knownHostsName() + " is marked @revoked in " + l.detail()
                        + " (" + fp + ")");
                return false;
            case CHANGED:
                if (ep.hostKeyChecking() == SshOptions.HostKeyChecking.NO) {
                    return true;
                }
                ep.rejection().set("host key mismatch for " + ep.knownHostsName() + ": the server offered " + fp
                        + " but " + l.detail() + " holds another key (possible man-in-the-middle attack, or the"
                        + " host was reinstalled; fix known_hosts or set StrictHostKeyChecking=no)");
                return false;
            default:
                if (ep.hostKeyChecking() == SshOptions.HostKeyChecking.NO
                        || ep.hostKeyChecking() == SshOptions.HostKeyChecking.ACCEPT_NEW) {
                    remember(ep, serverKey);
                    return true;
                }
                ep.rejection().set("host key for " + ep.knownHostsName() + " is not in known_hosts (" + files
                        + "; server offered " + fp + "); add it (ssh-keyscan), or set host_key_checking=False"
                        + " or StrictHostKeyChecking=accept-new");
                return false;
        }
    }

    static Lookup lookup(SshEndpoint ep, PublicKey key) {
        String type = KeyUtils.getKeyType(key);
        String changedAt = null;
        for (Path file : ep.knownHostsFiles()) {
            List<KnownHostEntry> entries = read(file);
            int line = 0;
            for (KnownHostEntry e : entries) {
                line++;
                if (!e.isHostMatch(ep.keyLookupHost(), ep.keyLookupPort())) {
                    continue;
                }
                PublicKey k = resolve(e.getKeyEntry());
                if (k == null) {
                    continue;
                }
                String marker = e.getMarker() == null ? "" : e.getMarker().replace("@", "");
                boolean same = KeyUtils.compareKeys(k, key);
                if (marker.equals("revoked")) {
                    if (same) {
                        return new Lookup(Verdict.REVOKED, file.toString());
                    }
                    continue;
                }
                if (marker.equals("cert-authority")) {
                    continue; // host certificates are not used by the engine
                }
                if (same) {
                    return new Lookup(Verdict.KNOWN, file.toString());
                }
                if (changedAt == null && type.equals(KeyUtils.getKeyType(k))) {
                    changedAt = file + " (entry " + line + ")";
                }
            }
        }
        return changedAt == null ? new Lookup(Verdict.UNKNOWN, null) : new Lookup(Verdict.CHANGED, changedAt);
    }

    /** Key types known for the endpoint, so the key exchange can prefer them as ssh does. */
    static Set<String> knownKeyTypes(SshEndpoint ep) {
        Set<String> types = new LinkedHashSet<>();
        for (Path file : ep.knownHostsFiles()) {
            for (KnownHostEntry e : read(file)) {
                if (e.getMarker() == null && e.isHostMatch(ep.keyLookupHost(), ep.keyLookupPort())) {
                    PublicKey k = resolve(e.getKeyEntry());
                    if (k != null) {
                        types.addAll(KeyUtils.getAllEquivalentKeyTypes(KeyUtils.getKeyType(k)));
                    }
                }
            }
        }
        return types;
    }

    private static List<KnownHostEntry> read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<KnownHostEntry> all = KnownHostEntry.readKnownHostEntries(file);
            return all == null ? List.of() : all;
        } catch (IOException | RuntimeException e) {
            return List.of(); // ssh, too, goes on without a file it cannot read
        }
    }

    private static PublicKey resolve(AuthorizedKeyEntry entry) {
        if (entry == null) {
            return null;
        }
        try {
            return entry.resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            return null; // a key type the engine cannot parse cannot match
        }
    }

    /** Adds the key to the first user known_hosts file, as ssh does for accept-new and no. */
    private static void remember(SshEndpoint ep, PublicKey key) {
        Path file = ep.knownHostsToWrite();
        if (file == null) {
            return;
        }
        try {
            String entry = ep.knownHostsName() + " " + PublicKeyEntry.toString(key) + "\n";
            synchronized (WRITE_LOCK) {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                }
                boolean needNewline = Files.exists(file) && Files.size(file) > 0 && !endsWithNewline(file);
                Files.writeString(file, (needNewline ? "\n" : "") + entry, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException | RuntimeException e) {
            // ssh only warns when it cannot record a key; the connection goes on.
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (var ch = Files.newByteChannel(file)) {
            ch.position(ch.size() - 1);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b);
            return b.get(0) == '\n';
        }
    }

    private static String describeFiles(List<Path> files) {
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            names.add(f.toString());
        }
        return names.isEmpty() ? "no known_hosts file" : "checked " + String.join(", ", names);
    }
}
