package io.ansiblemitogen.engine;

import io.ansiblemitogen.transport.ssh.NativeDigests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
    /** ZIP bytes kept so that a client may name a ZIP by digest alone; least recently used go first. */
    static final long BYTES_CAP = 64L << 20;

    /** Digest of the bytes (as the plugin names them) to digest of the content, so each ZIP is read once. */
    private final Map<String, String> memo = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MEMO;
        }
    };
    private final Map<String, byte[]> bytes = new LinkedHashMap<>(64, 0.75f, true);
    private long heldBytes;
    private final long cap;

    public ModuleZips() {
        this(BYTES_CAP);
    }

    ModuleZips(long cap) {
        this.cap = cap;
    }

    /** The content digest of {@code zip}, which the plugin names {@code bytesKey}; the bytes are kept. */
    public synchronized String remember(String bytesKey, byte[] zip) throws IOException {
        String d = memo.get(bytesKey);
        if (d == null) {
            d = contentDigest(zip);
            memo.put(bytesKey, d);
        }
        if (!bytes.containsKey(d)) {
            bytes.put(d, zip);
            heldBytes += zip.length;
            var it = bytes.entrySet().iterator();
            while (heldBytes > cap && bytes.size() > 1 && it.hasNext()) {
                Map.Entry<String, byte[]> eldest = it.next();
                if (!eldest.getKey().equals(d)) {
                    heldBytes -= eldest.getValue().length;
                    it.remove();
                }
            }
        }
        return d;
    }

    /** {content digest, ZIP bytes} for a ZIP the plugin names {@code bytesKey}, or null if it must send it. */
    public synchronized Held held(String bytesKey) {
        String d = bytesKey == null ? null : memo.get(bytesKey);
        byte[] zip = d == null ? null : bytes.get(d);
        return zip == null ? null : new Held(d, zip);
    }

    public record Held(String digest, byte[] zip) {
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
        MessageDigest md = NativeDigests.sha256();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(ByteBuffer.allocate(8).putLong(e.getValue().length).array());
            md.update(e.getValue());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
