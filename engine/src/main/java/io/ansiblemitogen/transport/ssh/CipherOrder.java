package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which the engine offers ciphers, by what is fast in this JVM. AES-GCM is fast only once C2 compiles
 * the JDK's GCM onto the CPU's AES and carry-less multiply instructions; a JVM limited to C1 (the one-run CLI, see
 * bin/ansible-mitogen) runs it in plain code. Measured here, a 200 MiB copy task: AES-GCM 5.7 s with C2 and 12.3 s
 * with C1; MINA's ChaCha20-Poly1305 (plain Java, which C1 compiles well) 6.5 s and 6.7 s. Servers that do not offer
 * the first choice negotiate the next; {@code -o Ciphers=} replaces the whole list as with ssh. ChaCha20-Poly1305 is
 * our {@link ChaCha20Poly1305} (the JDK's ChaCha20), not MINA's. When NSS is usable ({@link NativeAesGcm}), AES-GCM
 * comes first whatever the compiler, computed there: a 200 MiB copy task went from ~3 s to ~1 s on this machine.
 */
final class CipherOrder {
    static final List<String> WITH_C2 = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
            "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr");
    static final List<String> C1_ONLY = List.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr");

    private CipherOrder() {
    }

    static List<NamedFactory<Cipher>> sort(List<NamedFactory<Cipher>> available, boolean fastGcm) {
        List<String> order = fastGcm ? WITH_C2 : C1_ONLY;
        List<NamedFactory<Cipher>> out = new ArrayList<>();
        for (String name : order) {
            for (NamedFactory<Cipher> f : available) {
                if (f.getName().equals(name)) {
                    out.add(f);
                }
            }
        }
        for (NamedFactory<Cipher> f : available) {
            if (!out.contains(f)) {
                out.add(f);
            }
        }
        out.replaceAll(CipherOrder::ours);
        return out;
    }

    /** The order for this JVM: AES-GCM first when C2 or NSS computes it fast. */
    static List<NamedFactory<Cipher>> sort(List<NamedFactory<Cipher>> available) {
        // NSS first: asking the JVM for its compiler starts JMX, tens of milliseconds a run would spend for nothing
        return sort(available, NativeAesGcm.provider().isPresent() || optimisingJit());
    }

    /** The cipher this JVM offers first, for the warm-up. */
    static NamedFactory<Cipher> first() {
        return ours(sort(List.of(BuiltinCiphers.aes128gcm,
                BuiltinCiphers.cc20p1305_openssh)).get(0));
    }

    /**
     * Our implementations in place of MINA's, under the same names and wire formats: ChaCha20-Poly1305 on the JDK's
     * ChaCha20 (faster under C1), AES-GCM on NSS when it is usable.
     */
    static NamedFactory<Cipher> ours(NamedFactory<Cipher> f) {
        if (ChaCha20Poly1305.NAME.equals(f.getName())) {
            return ChaCha20Poly1305.FACTORY;
        }
        NamedFactory<Cipher> nativeGcm = NativeAesGcm.forName(f.getName());
        return nativeGcm != null ? nativeGcm : f;
    }

    /** Whether C2 will compile hot code: false when the JVM was started with -XX:TieredStopAtLevel below 4. */
    static boolean optimisingJit() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Integer.parseInt(bean.getVMOption("TieredStopAtLevel").getValue()) >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true; // another JVM: assume the usual optimising compiler
        }
    }
}
