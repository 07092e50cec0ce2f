package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.mac.Poly1305Mac;
import org.apache.sshd.common.util.buffer.BufferUtils;

import javax.crypto.AEADBadTagException;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * OpenSSH's chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305) with the JDK's ChaCha20 for the key stream
 * and MINA's Poly1305 for the tag. Same wire format as MINA's own {@code ChaCha20Cipher}, which it replaces because
 * that one XORs byte by byte: under C1 (the one-run CLI's JVM) a 200 MiB copy spent most of the engine's time
 * there. The JDK's ChaCha20 XORs eight bytes at a time.
 *
 * <p>Per packet (sequence number {@code n}, 64-bit, big-endian in the nonce): the second half of the key encrypts
 * the 4-byte length with block counter 0; the first half gives the Poly1305 key (block 0) and encrypts the payload
 * from block 1; the tag covers the encrypted length and payload. OpenSSH's ChaCha20 takes a 64-bit counter and a
 * 64-bit nonce; the JDK's (RFC 8439) a 32-bit counter and a 96-bit nonce, so the nonce is four zero bytes (the
 * counter's upper half, never reached by a packet) followed by {@code n}, a uint32 that wraps to 0 as in OpenSSH.
 * MINA gives the first sequence number as the IV of every cipher whose algorithm name starts with "ChaCha".
 */
final class ChaCha20Poly1305 implements Cipher {
    static final String NAME = "chacha20-poly1305@openssh.com";
    private static final int TAG = 16;

    /** Offered under OpenSSH's name in place of MINA's factory of the same name. */
    static final NamedFactory<Cipher> FACTORY = new NamedFactory<>() {
        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public Cipher create() {
            return new ChaCha20Poly1305();
        }

        @Override
        public String toString() {
            return NAME + " (JDK ChaCha20)";
        }
    };

    /** Key stream of the payload key: block 0 gives the Poly1305 key, the payload continues from block 1. */
    private final javax.crypto.Cipher payloadStream;
    /** Key stream of the length key, block 0 only. */
    private final javax.crypto.Cipher lengthStream;
    private final Poly1305Mac mac = new Poly1305Mac();
    private final byte[] nonce = new byte[12];
    private final byte[] block0 = new byte[64];
    private final byte[] polyKey = new byte[Poly1305Mac.KEY_BYTES];
    private Mode mode;
    private SecretKeySpec payloadKey;
    private SecretKeySpec lengthKey;
    private long seq;
    private long firstSeq;

    ChaCha20Poly1305() {
        try {
            payloadStream = javax.crypto.Cipher.getInstance("ChaCha20");
            lengthStream = javax.crypto.Cipher.getInstance("ChaCha20");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no ChaCha20", e);
        }
    }

    @Override
    public void init(Mode mode, byte[] key, byte[] iv) throws Exception {
        this.mode = mode;
        payloadKey = new SecretKeySpec(key, 0, 32, "ChaCha20");
        lengthKey = new SecretKeySpec(key, 32, 32, "ChaCha20");
        seq = BufferUtils.getLong(iv, 0, 8);
        if ((seq & ~0xffffffffL) != 0) {
            throw new IllegalStateException("ChaCha20 nonce is not a valid SSH packet sequence number: " + seq);
        }
        firstSeq = seq;
        startPacket();
    }

    /**
     * One JDK cipher per key, initialised once per packet. The JDK refuses to initialise a ChaCha20 cipher twice in a
     * row with the same key and nonce (whatever the mode); one init per key and packet never does, even with the two
     * halves of the key equal.
     */
    private void startPacket() throws Exception {
        BufferUtils.putLong(seq, nonce, 4, 8);
        ChaCha20ParameterSpec fromBlock0 = new ChaCha20ParameterSpec(nonce, 0);
        payloadStream.init(javax.crypto.Cipher.DECRYPT_MODE, payloadKey, fromBlock0);
        java.util.Arrays.fill(block0, (byte) 0);
        payloadStream.update(block0, 0, block0.length, block0, 0);
        System.arraycopy(block0, 0, polyKey, 0, polyKey.length);
        mac.init(polyKey);
        lengthStream.init(javax.crypto.Cipher.DECRYPT_MODE, lengthKey, fromBlock0);
    }

    @Override
    public void updateAAD(byte[] data, int offset, int length) throws Exception {
        if (mode == null) {
            throw new IllegalStateException("Cipher not initialized");
        }
        if (length != 4) {
            throw new IllegalArgumentException("AAD only supported for encrypted packet length");
        }
        if (mode == Mode.Decrypt) {
            mac.update(data, offset, length);
        }
        lengthStream.update(data, offset, length, data, offset);
        if (mode == Mode.Encrypt) {
            mac.update(data, offset, length);
        }
    }

    @Override
    public void update(byte[] input, int offset, int length) throws Exception {
        if (mode == null) {
            throw new IllegalStateException("Cipher not initialized");
        }
        if (mode == Mode.Decrypt) {
            mac.update(input, offset, length);
            byte[] actual = mac.doFinal();
            if (!Mac.equals(input, offset + length, actual, 0, actual.length)) {
                throw new AEADBadTagException("Tag mismatch");
            }
        }
        payloadStream.update(input, offset, length, input, offset);
        if (mode == Mode.Encrypt) {
            mac.update(input, offset, length);
            mac.doFinal(input, offset + length);
        }
        seq = (seq + 1) & 0xffffffffL; // SSH sequence numbers are uint32 and wrap (RFC 4253 6.4)
        if (seq == firstSeq) {
            throw new IllegalStateException("Packet sequence number cannot be reused with the same key");
        }
        startPacket();
    }

    @Override
    public String getAlgorithm() {
        return "ChaCha20"; // MINA passes the sequence number as the IV for names starting with "ChaCha"
    }

    @Override
    public String getTransformation() {
        return "ChaCha20";
    }

    @Override
    public int getIVSize() {
        return 8;
    }

    @Override
    public int getAuthenticationTagSize() {
        return TAG;
    }

    @Override
    public int getCipherBlockSize() {
        return 8;
    }

    @Override
    public int getKdfSize() {
        return 64;
    }

    @Override
    public int getKeySize() {
        return 256;
    }
}
