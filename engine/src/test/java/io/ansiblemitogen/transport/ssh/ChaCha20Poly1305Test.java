package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.util.buffer.BufferUtils;
import org.junit.Test;

import javax.crypto.AEADBadTagException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/**
 * Our chacha20-poly1305@openssh.com against MINA's implementation of the same (which talks to OpenSSH): the same
 * bytes on the wire, packet after packet, and each decrypts what the other encrypted. SshTransportTest runs it
 * against a real sshd.
 */
public class ChaCha20Poly1305Test {
    private static final int[] SIZES = {8, 16, 56, 64, 72, 1000, 32768, 35000, 8, 131072};

    private static Cipher init(Cipher c, Cipher.Mode mode, byte[] key, long seq) throws Exception {
        byte[] iv = new byte[8];
        BufferUtils.putLong(seq, iv, 0, 8);
        c.init(mode, key, iv);
        return c;
    }

    private static byte[] packet(Random r, int size) {
        byte[] p = new byte[4 + size + 16];
        r.nextBytes(p);
        BufferUtils.putUInt(size, p, 0, 4);
        return p;
    }

    @Test
    public void sameCiphertextAndTagsAsMinaPacketAfterPacket() throws Exception {
        Random r = new Random(42);
        byte[] key = new byte[64];
        r.nextBytes(key);
        for (long firstSeq : new long[] {0, 3, 0xfffffffbL, 0xffffffffL}) { // the last two wrap to 0
            Cipher ours = init(new ChaCha20Poly1305(), Cipher.Mode.Encrypt, key, firstSeq);
            Cipher mina = init(BuiltinCiphers.cc20p1305_openssh.create(), Cipher.Mode.Encrypt, key, firstSeq);
            for (int size : SIZES) {
                byte[] a = packet(r, size);
                byte[] b = a.clone();
                ours.updateWithAAD(a, 0, 4, size);
                mina.updateWithAAD(b, 0, 4, size);
                assertArrayEquals("packet of " + size + " B after sequence number " + firstSeq, b, a);
            }
        }
    }

    @Test
    public void eachDecryptsWhatTheOtherEncryptedAndRefusesATamperedPacket() throws Exception {
        Random r = new Random(7);
        byte[] key = new byte[64];
        r.nextBytes(key);
        Cipher minaOut = init(BuiltinCiphers.cc20p1305_openssh.create(), Cipher.Mode.Encrypt, key, 9);
        Cipher oursIn = init(new ChaCha20Poly1305(), Cipher.Mode.Decrypt, key, 9);
        Cipher oursOut = init(new ChaCha20Poly1305(), Cipher.Mode.Encrypt, key, 100);
        Cipher minaIn = init(BuiltinCiphers.cc20p1305_openssh.create(), Cipher.Mode.Decrypt, key, 100);
        for (int size : SIZES) {
            byte[] plain = packet(r, size);
            byte[] wire = plain.clone();
            minaOut.updateWithAAD(wire, 0, 4, size);
            // as MINA's decoder does: the length first, then the rest with its tag
            oursIn.updateAAD(wire, 0, 4);
            assertEquals(size, BufferUtils.getUInt(wire, 0, 4));
            oursIn.update(wire, 4, size);
            assertArrayEquals(Arrays.copyOfRange(plain, 0, 4 + size), Arrays.copyOfRange(wire, 0, 4 + size));

            wire = plain.clone();
            oursOut.updateWithAAD(wire, 0, 4, size);
            minaIn.updateAAD(wire, 0, 4);
            minaIn.update(wire, 4, size);
            assertArrayEquals(Arrays.copyOfRange(plain, 0, 4 + size), Arrays.copyOfRange(wire, 0, 4 + size));
        }
        byte[] wire = packet(r, 64);
        Cipher out = init(new ChaCha20Poly1305(), Cipher.Mode.Encrypt, key, 5);
        Cipher in = init(new ChaCha20Poly1305(), Cipher.Mode.Decrypt, key, 5);
        out.updateWithAAD(wire, 0, 4, 64);
        wire[20] ^= 1;
        in.updateAAD(wire, 0, 4);
        byte[] tampered = wire;
        assertThrows(AEADBadTagException.class, () -> in.update(tampered, 4, 64));
    }

    @Test
    public void aKeyWithEqualHalvesWorksToo() throws Exception {
        // The JDK refuses two ChaCha20 inits in a row with the same key and nonce; with one cipher per key half that
        // never happens, not even with the warm-up's all-zero key.
        byte[] key = new byte[64];
        Cipher ours = init(new ChaCha20Poly1305(), Cipher.Mode.Encrypt, key, 0);
        Cipher mina = init(BuiltinCiphers.cc20p1305_openssh.create(), Cipher.Mode.Encrypt, key, 0);
        for (int i = 0; i < 3; i++) {
            byte[] a = packet(new Random(i), 64);
            byte[] b = a.clone();
            ours.updateWithAAD(a, 0, 4, 64);
            mina.updateWithAAD(b, 0, 4, 64);
            assertArrayEquals(b, a);
        }
    }

    @Test
    public void offeredInPlaceOfMinasUnderItsName() {
        assertEquals(ChaCha20Poly1305.FACTORY, CipherOrder.ours(BuiltinCiphers.cc20p1305_openssh));
        assertEquals(BuiltinCiphers.aes128ctr, CipherOrder.ours(BuiltinCiphers.aes128ctr));
        assertEquals(ChaCha20Poly1305.FACTORY, Algorithms.CIPHERS.factory("chacha20-poly1305@openssh.com"));
        Cipher c = ChaCha20Poly1305.FACTORY.create();
        assertEquals(64, c.getKdfSize());
        assertEquals(8, c.getIVSize());
        assertEquals(16, c.getAuthenticationTagSize());
    }
}
