package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BaseGCMCipher;
import org.apache.sshd.common.cipher.Cipher;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * aes128-gcm@openssh.com and aes256-gcm@openssh.com computed by the platform's NSS library (through the JDK's own
 * SunPKCS11 provider) instead of the JDK's Java code. The engine's JVMs run C1 only (docs/architecture.md "Start-up of
 * a run"), and C1 has no AES or GHASH intrinsics: the JDK's GCM there moves ~40 MB/s and its ChaCha20 ~130 MB/s, so
 * a large copy was bound by the engine's cipher. NSS uses the CPU's AES and carry-less multiply instructions (over
 * 1 GB/s on this machine, under C1, JNI included). The wire format is MINA's {@link BaseGCMCipher}'s (RFC 5647 as
 * OpenSSH does it); only where the cipher comes from changes.
 *
 * <p>Debian's and Ubuntu's JDK packages depend on libnss3, so it is there wherever the engine's own JDK came from
 * the distribution. Elsewhere, or with {@code ANSIBLE_MITOGEN_NATIVE_CRYPTO=0}, or when the provider's result for a
 * known-answer test fails, the engine keeps its Java ciphers: {@link #provider()} is empty.
 */
final class NativeAesGcm extends BaseGCMCipher {
    static final String SWITCH = "ANSIBLE_MITOGEN_NATIVE_CRYPTO";
    /** Inline SunPKCS11 configuration: NSS without a key database, loaded from the system's library path. */
    private static final String NSS_CONFIG = "--name=NSS\nnssDbMode=noDb\nattributes=compatibility\n";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private static volatile Optional<Provider> provider;

    static final NamedFactory<Cipher> AES128 = factory("aes128-gcm@openssh.com", 16, 128);
    static final NamedFactory<Cipher> AES256 = factory("aes256-gcm@openssh.com", 32, 256);

    private final Provider nss;

    private NativeAesGcm(Provider nss, int kdfSize, int keyBits) {
        super(12, 16, kdfSize, "AES", keyBits, TRANSFORMATION, 16);
        this.nss = nss;
    }

    @Override
    protected javax.crypto.Cipher createCipherInstance(Mode mode, byte[] key, byte[] iv) throws Exception {
        super.createCipherInstance(mode, key, iv); // sets mode, key and the per-packet IV counter as MINA does
        // A key object of the provider's own, made once: BaseGCMCipher initialises the cipher for every packet, and
        // a plain key spec would be imported into NSS each time.
        secretKey = (javax.crypto.SecretKey) SecretKeyFactory.getInstance("AES", nss).translateKey(secretKey);
        return javax.crypto.Cipher.getInstance(TRANSFORMATION, nss);
    }

    /** The factory of the native cipher for an SSH cipher name, or null when it is not a GCM name or NSS is not usable. */
    static NamedFactory<Cipher> forName(String name) {
        if (provider().isEmpty()) {
            return null;
        }
        return AES128.getName().equals(name) ? AES128 : AES256.getName().equals(name) ? AES256 : null;
    }

    /** NSS's provider if it has been loaded already (never loads it), or null. */
    static Provider ifLoaded() {
        Optional<Provider> p = provider;
        return p == null ? null : p.orElse(null);
    }

    /** NSS's provider, loaded and checked on first use (~60 ms, done by the warm-up thread), or empty. */
    static Optional<Provider> provider() {
        Optional<Provider> p = provider;
        if (p == null) {
            synchronized (NativeAesGcm.class) {
                p = provider;
                if (p == null) {
                    p = "0".equals(System.getenv(SWITCH)) ? Optional.empty() : load(NSS_CONFIG);
                    provider = p;
                }
            }
        }
        return p;
    }

    /** NSS configured by {@code config} (SunPKCS11 syntax), if it loads and passes the known-answer test. */
    static Optional<Provider> load(String config) {
        try {
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                return Optional.empty();
            }
            Provider nss = base.configure(config);
            return passesKnownAnswer(nss) ? Optional.of(nss) : Optional.empty();
        } catch (Exception | LinkageError e) {
            // No libnss3, or a PKCS#11 module that refuses this use: the Java ciphers remain.
            return Optional.empty();
        }
    }

    /**
     * A known answer: this key, nonce, length-as-AAD and 100-byte message sealed by AES-128-GCM (the JDK's SunJCE and
     * Python's cryptography agree on it). Checked against a constant rather than against SunJCE at run time, which
     * would load and run the JDK's GCM in every engine JVM.
     */
    private static final String KNOWN_SEALED = "14f167e857e91bcc9d94fa8e2b99489b4c1421eb8fdbe798e675ef9abcad869ca0998306"
            + "201f48c9629b3355acf54dd3bcc67fda774cd171ee66ae7f60f541d66564f9c76574f655a2eafeaec20aac01b40b8ae7324d342c9adf"
            + "1b9879d56323e18e873f85319d6bacb9f4208eb0fe03008cdfe6";

    /** Seals and opens the known-answer message with the provider; any difference rules it out. */
    static boolean passesKnownAnswer(Provider nss) throws Exception {
        byte[] key = new byte[16];
        byte[] iv = new byte[12];
        byte[] plain = new byte[100];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i * 7 + 3);
        }
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 13 + 1);
        }
        iv[11] = 5;
        byte[] aad = {0, 0, 0, 100};
        javax.crypto.Cipher seal = javax.crypto.Cipher.getInstance(TRANSFORMATION, nss);
        seal.init(javax.crypto.Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        seal.updateAAD(aad);
        byte[] sealed = seal.doFinal(plain);
        if (!Arrays.equals(sealed, HexFormat.of().parseHex(KNOWN_SEALED))) {
            return false;
        }
        javax.crypto.Cipher open = javax.crypto.Cipher.getInstance(TRANSFORMATION, nss);
        open.init(javax.crypto.Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        open.updateAAD(aad);
        return Arrays.equals(open.doFinal(sealed), plain);
    }

    private static NamedFactory<Cipher> factory(String name, int kdfSize, int keyBits) {
        return new NamedFactory<>() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public Cipher create() {
                return new NativeAesGcm(provider().orElseThrow(), kdfSize, keyBits);
            }

            @Override
            public String toString() {
                return name + " (NSS)";
            }
        };
    }
}
