package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.util.buffer.BufferUtils;
import org.junit.Test;

import javax.crypto.AEADBadTagException;
import java.util.List;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * AES-GCM through NSS against MINA's AES-GCM on the JDK's code (which talks to OpenSSH): the same bytes, packet after
 * packet, and each opens what the other sealed. SshTransportTest runs it against a real sshd. The machines this
 * project builds on run Debian's JDK, which depends on libnss3, so NSS must be found here.
 */
public class NativeAesGcmTest {
    private static final int[] SIZES = {16, 32, 48, 1008, 32768, 35008, 16, 131072};

    private static byte[] packet(Random r, int size) {
        byte[] p = new byte[4 + size + 16];
        r.nextBytes(p);
        BufferUtils.putUInt(size, p, 0, 4);
        return p;
    }

    private static Cipher init(NamedFactory<Cipher> f, Cipher.Mode mode, byte[] key, byte[] iv) throws Exception {
        Cipher c = f.create();
        c.init(mode, key, iv);
        return c;
    }

    @Test
    public void nssIsFoundAndPassesTheKnownAnswerTest() throws Exception {
        assertTrue("NSS (libnss3, a dependency of Debian's JDK) was not loaded", NativeAesGcm.provider().isPresent());
        assertTrue(NativeAesGcm.passesKnownAnswer(NativeAesGcm.provider().get()));
        // the known answer is the JDK's own GCM's: the same check passes with SunJCE, and fails with a broken cipher
        assertTrue(NativeAesGcm.passesKnownAnswer(java.security.Security.getProvider("SunJCE")));
        assertSame(NativeAesGcm.AES128, CipherOrder.ours(BuiltinCiphers.aes128gcm));
        assertSame(NativeAesGcm.AES256, CipherOrder.ours(BuiltinCiphers.aes256gcm));
        assertSame(NativeAesGcm.AES128, Algorithms.CIPHERS.factory("aes128-gcm@openssh.com"));
        assertNull(NativeAesGcm.forName("aes128-ctr"));
        // with NSS, AES-GCM is offered first even by a C1-only JVM
        assertEquals("aes128-gcm@openssh.com", CipherOrder.first().getName());
    }

    @Test
    public void aLibraryThatDoesNotLoadLeavesTheJavaCiphers() {
        // where the library is missing, SunPKCS11 cannot load it, and the engine goes on with its Java ciphers
        assertTrue(NativeAesGcm.load("--name=Broken\nlibrary=/nonexistent/libnothing.so\n").isEmpty());
        // and the order without NSS is the C1 one: ChaCha20-Poly1305 (ours) first, AES-GCM from MINA
        List<NamedFactory<Cipher>> c1 = CipherOrder.sort(SshClient.setUpDefaultClient().getCipherFactories(), false);
        assertEquals("chacha20-poly1305@openssh.com", c1.get(0).getName());
    }

    @Test
    public void sha256ComesFromNssOnceLoadedAndEqualsTheJdks() throws Exception {
        assertTrue(NativeAesGcm.provider().isPresent());
        java.security.MessageDigest md = NativeDigests.sha256();
        assertSame(NativeAesGcm.provider().get(), md.getProvider());
        byte[] data = new byte[300_001];
        new Random(2).nextBytes(data);
        md.update(data, 0, 100);
        md.update(data, 100, data.length - 100);
        assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256", "SUN").digest(data), md.digest());
    }

    @Test
    public void sameCiphertextAndTagsAsMinaPacketAfterPacket() throws Exception {
        Random r = new Random(11);
        for (NamedFactory<Cipher>[] pair : pairs()) {
            byte[][] keyIv = randomKeyAndIv(pair[1], r);
            byte[] key = keyIv[0];
            byte[] iv = keyIv[1];
            iv[11] = (byte) 0xfe; // the invocation counter carries into the next byte after two packets
            Cipher ours = init(pair[0], Cipher.Mode.Encrypt, key, iv);
            Cipher mina = init(pair[1], Cipher.Mode.Encrypt, key, iv);
            for (int size : SIZES) {
                byte[] a = packet(r, size);
                byte[] b = a.clone();
                ours.updateWithAAD(a, 0, 4, size);
                mina.updateWithAAD(b, 0, 4, size);
                assertArrayEquals(pair[0].getName() + ", packet of " + size + " B", b, a);
            }
        }
    }

    @Test
    public void eachOpensWhatTheOtherSealedAndATamperedPacketIsRefused() throws Exception {
        Random r = new Random(5);
        for (NamedFactory<Cipher>[] pair : pairs()) {
            byte[][] keyIv = randomKeyAndIv(pair[1], r);
            byte[] key = keyIv[0];
            byte[] iv = keyIv[1];
            Cipher minaOut = init(pair[1], Cipher.Mode.Encrypt, key, iv);
            Cipher oursIn = init(pair[0], Cipher.Mode.Decrypt, key, iv);
            Cipher oursOut = init(pair[0], Cipher.Mode.Encrypt, key, iv);
            Cipher minaIn = init(pair[1], Cipher.Mode.Decrypt, key, iv);
            for (int size : SIZES) {
                byte[] plain = packet(r, size);
                byte[] wire = plain.clone();
                minaOut.updateWithAAD(wire, 0, 4, size);
                oursIn.updateWithAAD(wire, 0, 4, size);
                assertArrayEquals(java.util.Arrays.copyOf(plain, 4 + size), java.util.Arrays.copyOf(wire, 4 + size));
                byte[] back = plain.clone();
                oursOut.updateWithAAD(back, 0, 4, size);
                minaIn.updateWithAAD(back, 0, 4, size);
                assertArrayEquals(java.util.Arrays.copyOf(plain, 4 + size), java.util.Arrays.copyOf(back, 4 + size));
            }
            byte[] bad = packet(r, 64);
            oursOut.updateWithAAD(bad, 0, 4, 64);
            bad[20] ^= 1;
            assertThrows(AEADBadTagException.class, () -> minaIn.updateWithAAD(bad, 0, 4, 64));
            byte[] bad2 = packet(r, 64);
            minaOut.updateWithAAD(bad2, 0, 4, 64);
            bad2[4 + 64 + 3] ^= 1; // the tag itself
            assertThrows(AEADBadTagException.class, () -> oursIn.updateWithAAD(bad2, 0, 4, 64));
        }
    }

    private static byte[][] randomKeyAndIv(NamedFactory<Cipher> f, Random r) {
        Cipher probe = f.create();
        byte[] key = new byte[probe.getKdfSize()];
        byte[] iv = new byte[probe.getIVSize()];
        r.nextBytes(key);
        r.nextBytes(iv);
        return new byte[][] {key, iv};
    }

    @SuppressWarnings("unchecked")
    private static NamedFactory<Cipher>[][] pairs() {
        return new NamedFactory[][] {{NativeAesGcm.AES128, BuiltinCiphers.aes128gcm},
            {NativeAesGcm.AES256, BuiltinCiphers.aes256gcm}};
    }
}
