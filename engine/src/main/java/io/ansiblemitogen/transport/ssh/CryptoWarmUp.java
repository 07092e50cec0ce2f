package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

import java.security.KeyPair;

/**
 * Runs once, on throwaway keys, the algorithms a first SSH login to a current OpenSSH server negotiates
 * (curve25519 key exchange, an ed25519 host key, the cipher offered first), so that the first real login finds their classes
 * loaded and their JCA providers initialised: in a fresh JVM that is most of a loopback login's 300 ms.
 */
final class CryptoWarmUp {
    private CryptoWarmUp() {
    }

    static void run() {
        keyExchange();
        signature();
        cipher();
    }

    private static void keyExchange() {
        try {
            AbstractDH ours = BuiltinDHFactories.curve25519.create();
            AbstractDH theirs = BuiltinDHFactories.curve25519.create();
            ours.setF(theirs.getE());
            ours.getE();
            ours.getK();
            ours.getHash().init();
        } catch (Exception | LinkageError e) {
            // Not available in this JVM: the login negotiates something else.
        }
    }

    private static void signature() {
        try {
            KeyPair kp = KeyUtils.generateKeyPair(org.apache.sshd.common.keyprovider.KeyPairProvider.SSH_ED25519, 256);
            byte[] data = new byte[64];
            Signature signer = BuiltinSignatures.ed25519.create();
            signer.initSigner(null, kp.getPrivate());
            signer.update(null, data, 0, data.length);
            byte[] sig = signer.sign(null);
            Signature verifier = BuiltinSignatures.ed25519.create();
            verifier.initVerifier(null, kp.getPublic());
            verifier.update(null, data, 0, data.length);
            verifier.verify(null, sig);
        } catch (Exception | LinkageError e) {
            // As above.
        }
    }

    /** Only the cipher this JVM offers first (CipherOrder): warming the other would be CPU for nothing. */
    private static void cipher() {
        cipher(CipherOrder.first());
    }

    private static void cipher(NamedFactory<Cipher> which) {
        try {
            Cipher c = which.create();
            c.init(Cipher.Mode.Encrypt, new byte[c.getKdfSize()], new byte[c.getIVSize()]);
            byte[] packet = new byte[4 + 64 + c.getAuthenticationTagSize()];
            c.updateWithAAD(packet, 0, 4, 64);
        } catch (Exception | LinkageError e) {
            // As above.
        }
    }
}
