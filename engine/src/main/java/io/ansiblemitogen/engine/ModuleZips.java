package io.ansiblemitogen.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The key a target keeps module code under: a digest of the ZIP's entries (names and contents), not of its bytes.
 * Ansible stamps each AnsiballZ ZIP with the time it was built, so every ansible-playbook run packs the same
 * modules into different bytes; keyed by content, code a daemon's interpreters already hold is not sent again by
 * the next run (or the next pipeline stage). The agent computes the same digest over what it receives.
 */
public final class ModuleZips {
    private static final int MEMO = 512;

    /** Digest of the bytes (as the plugin names them) to digest of the content, so each ZIP is read once. */
    private final Map<String, String> memo = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MEMO;
        }
    };

    public synchronized String contentDigest(String bytesKey, byte[] zip) throws IOException {
        String d = memo.get(bytesKey);
        if (d == null) {
            d = contentDigest(zip);
            memo.put(bytesKey, d);
        }
        return d;
    }

    public synchronized String known(String bytesKey) {
        return memo.get(bytesKey);
    }

    /** SHA-256 over the entries sorted by name: name, a zero byte, 8-byte length, data. */
    public static String contentDigest(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        if (entries.isEmpty()) {
            throw new IOException("the module ZIP has no entries");
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(ByteBuffer.allocate(8).putLong(e.getValue().length).array());
            md.update(e.getValue());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
