package io.ansiblemitogen.pool;

import io.ansiblemitogen.engine.TargetSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What makes two requests share a connection: transport, address, user, hop chain, and digests of the
 * credentials (the key's content, never its path or name), so a run that presents other credentials for the
 * same host and user gets a connection of its own.
 */
public record TargetIdentity(String digest, String label) {
    /**
     * Identities worked out before, by spec: every request names its target, most name one seen before, and
     * working one out reads and hashes the key files. A key file that changed since (its size, time, inode or
     * readability) makes the identity be worked out again.
     */
    private static final Map<TargetSpec, Known> KNOWN = new ConcurrentHashMap<>();
    private static final int KNOWN_MAX = 4096;

    private record Known(TargetIdentity identity, List<Object> keyStamps) {
    }

    public static TargetIdentity of(TargetSpec spec) throws IOException {
        List<Object> stamps = new ArrayList<>();
        keyStamps(spec, stamps);
        Known known = KNOWN.get(spec);
        if (known != null && known.keyStamps().equals(stamps)) {
            return known.identity();
        }
        MessageDigest md = sha256();
        feed(md, spec);
        TargetIdentity id = new TargetIdentity(HexFormat.of().formatHex(md.digest()), spec.toString());
        if (KNOWN.size() >= KNOWN_MAX) {
            KNOWN.clear(); // a run with this many distinct specs pays the reads again, nothing worse
        }
        KNOWN.put(spec, new Known(id, stamps));
        return id;
    }

    private static void keyStamps(TargetSpec s, List<Object> out) {
        for (TargetSpec hop : s.via()) {
            keyStamps(hop, out);
        }
        String path = s.privateKeyFile();
        if (path == null || path.isBlank()) {
            out.add("");
            return;
        }
        Path p = Path.of(expandHome(path));
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            out.add(List.of(Files.isReadable(p), a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey())));
        } catch (IOException e) {
            out.add("absent");
        }
    }

    private static void feed(MessageDigest md, TargetSpec s) throws IOException {
        for (TargetSpec hop : s.via()) {
            feed(md, hop);
            field(md, "|hop|");
        }
        field(md, s.transport());
        field(md, s.host());
        field(md, s.port() == null ? "" : s.port().toString());
        field(md, s.user());
        field(md, secretDigest(s.password()));
        field(md, secretDigest(s.privateKeyPassphrase()));
        field(md, keyDigest(s.privateKeyFile()));
        field(md, s.sshArgs());
        field(md, s.sshCommonArgs());
        field(md, s.sshExtraArgs());
        field(md, String.valueOf(s.hostKeyChecking()));
    }

    private static void field(MessageDigest md, String v) {
        byte[] b = (v == null ? "\u0000" : v).getBytes(StandardCharsets.UTF_8);
        md.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
    }

    private static String secretDigest(String secret) {
        return secret == null ? null : HexFormat.of().formatHex(sha256().digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static String keyDigest(String path) throws IOException {
        if (path == null || path.isBlank()) {
            return null;
        }
        Path p = Path.of(expandHome(path));
        if (!Files.isReadable(p)) {
            return "unreadable:" + p; // The transport reports the unreadable key with a clear message.
        }
        return HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(p)));
    }

    public static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
