package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** A 50 MB file up and back over SSH in a JVM whose whole heap is smaller than the file. */
public class LargeFileTransferTest {
    private static final int SIZE = 50 * 1024 * 1024;
    private static final String HEAP = "-Xmx40m";

    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void fiftyMegabytesStreamThroughAFortyMegabyteHeap() throws Exception {
        Path src = tmp.getRoot().toPath().resolve("src.bin");
        try (OutputStream out = Files.newOutputStream(src)) {
            Random r = new Random(42);
            byte[] buf = new byte[1 << 20];
            for (int i = 0; i < SIZE / buf.length; i++) {
                r.nextBytes(buf);
                out.write(buf);
            }
        }
        roundTrip(src);
    }

    /** Text that zlib shrinks ~100x: the link's inflaters must stream it too (1 MB steps on the agent). */
    @Test
    public void fiftyMegabytesOfCompressibleTextStreamThroughTheCompressedLink() throws Exception {
        Path src = tmp.getRoot().toPath().resolve("src.txt");
        try (OutputStream out = Files.newOutputStream(src)) {
            byte[] line = "the same log line, over and over, as big logs are\n".getBytes(StandardCharsets.US_ASCII);
            byte[] buf = new byte[1 << 20];
            for (int i = 0; i < buf.length; i++) {
                buf[i] = line[i % line.length];
            }
            for (int i = 0; i < SIZE / buf.length; i++) {
                out.write(buf);
            }
        }
        roundTrip(src);
    }

    private void roundTrip(Path src) throws Exception {
        Path remote = tmp.getRoot().toPath().resolve("remote.bin");
        Path back = tmp.getRoot().toPath().resolve("back.bin");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-cp", cp, BoundedTransferMain.class.getName(), SSHD.host(), String.valueOf(SSHD.port()),
                SSHD.userName(), SSHD.clientKey().toString(), SSHD.knownHosts().toString(),
                SshTargets.DEFAULT_SSH_ARGS, src.toString(), remote.toString(), back.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue("child JVM did not finish", p.waitFor(180, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        assertTrue(out, out.contains("put_ms="));
        assertEquals(SIZE, Files.size(remote));
        assertEquals(sha256(src), sha256(remote));
        assertEquals(sha256(src), sha256(back));
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
