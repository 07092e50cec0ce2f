package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.ModuleRequest;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.wire.LinkCompression;
import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** Link compression over a real sshd: what it saves, that big transfers still stream, and how it is turned off. */
public class LinkCompressionSshTest {
    private static final int RUNS = 40;

    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SshTransportFactory factory;
    private Engine engine;

    @Before
    public void setUp() {
        factory = new SshTransportFactory();
        engine = new Engine(factory);
    }

    @After
    public void tearDown() {
        engine.close();
        factory.close();
    }

    private TargetConnection connectionTo(String name) {
        return engine.pool().snapshot().stream().filter(c -> c.spec().displayName().contains(name)).findFirst()
                .orElseThrow();
    }

    /** Bytes {in, out} on the wire for RUNS identical module runs after a first one that ships the ZIP. */
    private long[] repeatedRuns(TargetSpec t, String name) throws Exception {
        ModuleRequest m = SshEngineTest.echoModule("{\"same\": \"arguments every time\", \"n\": 1}");
        assertEquals(0, engine.execModule(t, null, m).rc());
        TargetConnection c = connectionTo(name);
        long in0 = c.bytesIn();
        long out0 = c.bytesOut();
        for (int i = 0; i < RUNS; i++) {
            ExecResult r = engine.execModule(t, null, m);
            assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
            assertTrue(new String(r.stdout(), StandardCharsets.UTF_8).contains("arguments every time"));
        }
        return new long[] {c.bytesIn() - in0, c.bytesOut() - out0};
    }

    @Test
    public void identicalModuleRunsCostFewBytesEachWay() throws Exception {
        long[] compressed = repeatedRuns(SshTargets.to(SSHD).name("zipped").build(), "zipped");
        long[] plain = repeatedRuns(SshTargets.to(SSHD).name("plain").extra("-o Compression=no").build(), "plain");
        String figures = RUNS + " runs: received " + compressed[0] + " B compressed / " + plain[0] + " B plain, sent "
                + compressed[1] + " B / " + plain[1] + " B";
        System.out.println(figures);
        assertTrue(figures, compressed[0] * 3 < plain[0]);
        assertTrue(figures, compressed[1] * 3 < plain[1]);
        assertTrue("under 40 B a reply: " + figures, compressed[0] < RUNS * 40L);
    }

    @Test
    public void bigFilesStillStreamBothWaysAndManySmallFramesArriveIntact() throws Exception {
        TargetSpec t = SshTargets.to(SSHD).build();
        Path src = tmp.getRoot().toPath().resolve("src.bin");
        int textPart = 4 << 20;
        try (OutputStream out = Files.newOutputStream(src)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; line.length() < textPart; i++) {
                line.append("line ").append(i).append(": the same words again and again\n");
            }
            out.write(line.toString().getBytes(StandardCharsets.US_ASCII), 0, textPart);
            byte[] noise = new byte[3 << 20];
            new Random(7).nextBytes(noise);
            out.write(noise);
        }
        long size = Files.size(src);
        engine.execCommand(t, null, "true", null, null);
        TargetConnection c = connectionTo("target1");
        long out0 = c.bytesOut();
        Path remote = tmp.getRoot().toPath().resolve("remote.bin");
        engine.putFile(t, null, src, remote.toString(), "0640");
        long sent = c.bytesOut() - out0;
        assertArrayEquals(sha(src), sha(remote));
        assertTrue("the text part compressed: sent " + sent + " B for " + size, sent < size - textPart / 2);

        long in0 = c.bytesIn();
        Path back = tmp.getRoot().toPath().resolve("back.bin");
        engine.fetchFile(t, null, remote.toString(), back);
        long received = c.bytesIn() - in0;
        assertArrayEquals(sha(src), sha(back));
        assertTrue("fetched " + received + " B for " + size, received < size - textPart / 2);

        for (int i = 0; i < 150; i++) {
            ExecResult r = engine.execCommand(t, null, "printf '%s' " + i + "; printf x >&2", null, null);
            assertEquals(String.valueOf(i), new String(r.stdout(), StandardCharsets.US_ASCII));
            assertEquals("x", new String(r.stderr(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void aBecomeChildBehindACompressedLoginSpeaksPlainFrames() throws Exception {
        TargetSpec t = SshTargets.to(SSHD).build();
        io.ansiblemitogen.engine.BecomeSpec sudo = new io.ansiblemitogen.engine.BecomeSpec("sudo", "root", null, null,
                "-H -S -n");
        for (int i = 0; i < 3; i++) {
            ExecResult r = engine.execCommand(t, sudo, "id -u; echo " + i, null, null);
            assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), "0\n" + i + "\n",
                    new String(r.stdout(), StandardCharsets.UTF_8));
        }
        ExecResult m = engine.execModule(t, sudo, SshEngineTest.echoModule("{\"as\": \"root\"}"));
        assertEquals(new String(m.stderr(), StandardCharsets.UTF_8), 0, m.rc());
        assertTrue(new String(m.stdout(), StandardCharsets.UTF_8).contains("root"));
    }

    @Test
    public void onForSshByDefaultOffWhenCompressionIsSetEitherWay() throws Exception {
        try (SshTransport t = (SshTransport) factory.open(SshTargets.to(SSHD).build(), null)) {
            assertEquals("Ansible's -C leaves the engine's own compression on",
                    LinkCompression.configuredLevel(), t.linkCompressionLevel());
        }
        try (SshTransport t = (SshTransport) factory.open(
                SshTargets.to(SSHD).extra("-o Compression=no").build(), null)) {
            assertEquals(0, t.linkCompressionLevel());
        }
        try (SshTransport t = (SshTransport) factory.open(
                SshTargets.to(SSHD).extra("-o Compression=yes").build(), null)) {
            assertEquals("SSH compresses already", 0, t.linkCompressionLevel());
            assertEquals("zlib@openssh.com", t.session().getNegotiatedKexParameter(
                    org.apache.sshd.common.kex.KexProposalOption.C2SCOMP));
        }
    }

    private static byte[] sha(Path p) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }
}
