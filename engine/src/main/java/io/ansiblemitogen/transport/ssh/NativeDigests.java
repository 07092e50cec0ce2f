package io.ansiblemitogen.transport.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 computed by NSS once the SSH side has loaded it for its cipher ({@link NativeAesGcm}), else the JDK's. The
 * engine digests every module ZIP's contents (a few hundred KB each); the JDK's SHA-256 runs as plain code in the
 * engine's C1-only JVM, interpreted at first. Never loads NSS itself: a run without SSH targets keeps the JDK's.
 */
public final class NativeDigests {
    /** SHA-256 of "abc" (FIPS 180-2, appendix B.1). */
    private static final byte[] ABC = HexFormat.of().parseHex(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    private static volatile Provider checked;

    private NativeDigests() {
    }

    public static MessageDigest sha256() {
        try {
            Provider nss = NativeAesGcm.ifLoaded();
            if (nss != null && (nss == checked || passes(nss))) {
                return MessageDigest.getInstance("SHA-256", nss);
            }
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    private static boolean passes(Provider nss) {
        try {
            boolean ok = Arrays.equals(ABC, MessageDigest.getInstance("SHA-256", nss).digest(new byte[] {'a', 'b', 'c'}));
            if (ok) {
                checked = nss;
            }
            return ok;
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            return false;
        }
    }
}
