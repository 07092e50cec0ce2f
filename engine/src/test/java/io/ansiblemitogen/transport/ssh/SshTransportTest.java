package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** The SSH transport alone against a real OpenSSH sshd on loopback: exec, host keys, authentication. */
public class SshTransportTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static SshTransportFactory factory;

    @BeforeClass
    public static void startClient() {
        factory = new SshTransportFactory();
    }

    @AfterClass
    public static void stopClient() {
        factory.close();
    }

    private static String run(Transport t, String cmd, String stdin, int expectRc) throws Exception {
        try (RemoteProcess p = t.exec(cmd)) {
            try (OutputStream in = p.stdin()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out;
            try (InputStream o = p.stdout()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals("stderr: " + p.stderrTail(), expectRc, p.waitFor(10_000));
            return out;
        }
    }

    private static TransportException openFails(TargetSpec spec) {
        try (Transport t = factory.open(spec, null)) {
            fail("connected to " + spec + " via " + t.describe());
            return null;
        } catch (TransportException e) {
            return e;
        }
    }

    private static void assertContains(String haystack, String... needles) {
        for (String n : needles) {
            assertTrue("expected '" + n + "' in: " + haystack, haystack.contains(n));
        }
    }

    @Test
    public void execChannelsShareOneSession() throws Exception {
        int before = SSHD.acceptedConnections();
        try (Transport t = factory.open(SshTargets.to(SSHD).build(), null)) {
            assertTrue(t.isConnected());
            assertEquals("HELLO\n", run(t, "tr a-z A-Z", "hello\n", 0));
            try (RemoteProcess p = t.exec("echo out; echo err >&2; exit 3")) {
                p.stdin().close();
                assertEquals("out\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(3, p.waitFor(10_000));
                assertEquals("err\n", new String(p.stderrBytes(), StandardCharsets.UTF_8));
            }
            // several channels at once on the same connection
            RemoteProcess a = t.exec("cat");
            RemoteProcess b = t.exec("cat");
            a.stdin().write("a".getBytes(StandardCharsets.UTF_8));
            b.stdin().write("b".getBytes(StandardCharsets.UTF_8));
            a.stdin().close();
            b.stdin().close();
            assertEquals("a", new String(a.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("b", new String(b.stdout().readAllBytes(), StandardCharsets.UTF_8));
            a.close();
            b.close();
            assertTrue(t.describe(), t.describe().contains("@127.0.0.1:" + SSHD.port()));
        }
        assertEquals(1, SSHD.acceptedConnections() - before);
    }

    @Test
    public void quietSessionsAreNotClosedByMinaIdleTimeout() throws Exception {
        // A module may run for an hour without a byte on the wire; only keepalives decide a peer is gone.
        assertEquals(java.time.Duration.ZERO,
                org.apache.sshd.core.CoreModuleProperties.IDLE_TIMEOUT.getRequired(factory.client()));
    }

    @Test
    public void sessionCloseIsDetected() throws Exception {
        Transport t = factory.open(SshTargets.to(SSHD).build(), null);
        assertTrue(t.isConnected());
        t.close();
        assertFalse(t.isConnected());
        try {
            t.exec("true");
            fail("exec on a closed transport");
        } catch (TransportException expected) {
            assertContains(expected.getMessage(), "lost");
        }
    }

    @Test
    public void unknownHostKeyIsRejectedByDefault() throws Exception {
        Path empty = tmp.newFile("empty_known_hosts").toPath();
        TransportException e = openFails(SshTargets.to(SSHD)
                .common("-o UserKnownHostsFile=" + empty).build());
        assertContains(e.getMessage(), "host key for [127.0.0.1]:" + SSHD.port() + " is not in known_hosts",
                empty.toString(), "ssh-ed25519 SHA256:");
        assertEquals(0L, Files.size(empty));
    }

    @Test
    public void hostKeyCheckingFalseConnectsAndRecordsTheKeyLikeSsh() throws Exception {
        Path kh = tmp.getRoot().toPath().resolve("sub/known_hosts");
        try (Transport t = factory.open(SshTargets.to(SSHD).common("-o UserKnownHostsFile=" + kh)
                .hostKeyChecking(false).build(), null)) {
            assertEquals("ok\n", run(t, "echo ok", null, 0));
        }
        assertContains(Files.readString(kh), "[127.0.0.1]:" + SSHD.port() + " ssh-ed25519 ");
    }

    @Test
    public void acceptNewAddsTheKeyThenStrictCheckingAcceptsIt() throws Exception {
        Path kh = tmp.newFile("kh").toPath();
        Files.writeString(kh, "# a comment without newline at the end");
        try (Transport t = factory.open(SshTargets.to(SSHD)
                .common("-o UserKnownHostsFile=" + kh + " -o StrictHostKeyChecking=accept-new").build(), null)) {
            assertTrue(t.isConnected());
        }
        List<String> lines = Files.readAllLines(kh);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1), lines.get(1).startsWith("[127.0.0.1]:" + SSHD.port() + " ssh-ed25519 "));
        try (Transport t = factory.open(SshTargets.to(SSHD)
                .common("-o UserKnownHostsFile=" + kh + " -o StrictHostKeyChecking=yes").build(), null)) {
            assertTrue(t.isConnected());
        }
    }

    @Test
    public void changedHostKeyIsAMismatchEvenForAcceptNew() throws Exception {
        Path other = tmp.getRoot().toPath().resolve("other_host_key");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()).start().waitFor();
        Path kh = tmp.newFile("kh_changed").toPath();
        Files.writeString(kh, "[127.0.0.1]:" + SSHD.port() + " " + Files.readString(Path.of(other + ".pub")));
        for (String mode : new String[] {"yes", "accept-new"}) {
            TransportException e = openFails(SshTargets.to(SSHD)
                    .common("-o UserKnownHostsFile=" + kh + " -o StrictHostKeyChecking=" + mode).build());
            assertContains(e.getMessage(), "host key mismatch for [127.0.0.1]:" + SSHD.port(), kh.toString());
        }
        // StrictHostKeyChecking=no lets a changed key through, as ssh does
        try (Transport t = factory.open(SshTargets.to(SSHD)
                .common("-o UserKnownHostsFile=" + kh + " -o StrictHostKeyChecking=no").build(), null)) {
            assertTrue(t.isConnected());
        }
    }

    @Test
    public void hashedEntriesSeveralFilesAndHostKeyAlias() throws Exception {
        Path hashed = tmp.newFile("kh_hashed").toPath();
        Files.copy(SSHD.knownHosts(), hashed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-H", "-f", hashed.toString()).start().waitFor());
        assertTrue(Files.readString(hashed).startsWith("|1|"));
        Path empty = tmp.newFile("kh_empty").toPath();
        try (Transport t = factory.open(SshTargets.to(SSHD)
                .common("-o 'UserKnownHostsFile=" + empty + " " + hashed + "' -o StrictHostKeyChecking=yes")
                .build(), null)) {
            assertTrue(t.isConnected());
        }
        Path aliased = tmp.newFile("kh_alias").toPath();
        String key = Files.readString(SSHD.knownHosts()).split(" ", 2)[1];
        Files.writeString(aliased, "web-alias " + key);
        try (Transport t = factory.open(SshTargets.to(SSHD).common("-o UserKnownHostsFile=" + aliased
                + " -o StrictHostKeyChecking=yes -o HostKeyAlias=web-alias").build(), null)) {
            assertTrue(t.isConnected());
        }
    }

    @Test
    public void passphraseProtectedKey() throws Exception {
        try (Transport t = factory.open(SshTargets.to(SSHD).key(SSHD.passphraseKey().toString())
                .passphrase(SSHD.passphrase()).build(), null)) {
            assertEquals("ok\n", run(t, "echo ok", null, 0));
        }
        TransportException wrong = openFails(SshTargets.to(SSHD).key(SSHD.passphraseKey().toString())
                .passphrase("not the passphrase").build());
        assertContains(wrong.getMessage(), SSHD.passphraseKey().toString(), "wrong passphrase");
        TransportException missing = openFails(SshTargets.to(SSHD).key(SSHD.passphraseKey().toString()).build());
        assertContains(missing.getMessage(), SSHD.passphraseKey().toString(), "passphrase");
    }

    @Test
    public void wrongKeyIsPermissionDeniedNamingUserHostAndPort() throws Exception {
        Path stranger = tmp.getRoot().toPath().resolve("stranger");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", stranger.toString())
                .start().waitFor();
        TransportException e = openFails(SshTargets.to(SSHD).key(stranger.toString()).build());
        assertContains(e.getMessage(), "Permission denied (publickey) for " + SSHD.userName() + "@127.0.0.1:"
                + SSHD.port());
        TransportException none = openFails(SshTargets.to(SSHD).key(tmp.getRoot() + "/absent").build());
        assertContains(none.getMessage(), "identity file " + tmp.getRoot() + "/absent not found");
    }

    @Test
    public void refusedPortAndUnknownHostSayWhy() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        TransportException refused = openFails(SshTargets.to(SSHD).port(closed).build());
        assertContains(refused.getMessage(), "connection refused by 127.0.0.1:" + closed);
        TargetSpec nohost = new TargetSpec("ssh", "ghost", "no-such-host.invalid", 22, "root", null, null, null,
                null, null, null, 5, true, null, null);
        assertContains(openFails(nohost).getMessage(), "no such host 'no-such-host.invalid'");
    }

    @Test
    public void silentServerTimesOutAfterConnectTimeout() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            // accepts TCP (backlog) but never speaks SSH
            TransportException e = openFails(SshTargets.to(SSHD).port(s.getLocalPort()).timeout(2).build());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertContains(e.getMessage(), "timed out after 2 s");
            assertTrue("took " + ms + " ms", ms < 10_000);
        }
    }

    @Test
    public void unsupportedOptionIsAConfigurationError() {
        TransportException e = openFails(SshTargets.to(SSHD).extra("-o Tunnel=point-to-point").build());
        assertTrue(e.isConfigurationError());
        assertContains(e.getMessage(), "ansible_ssh_extra_args", "Tunnel");
    }

    @Test
    public void compressionOnlyWithCompressionYes() throws Exception {
        try (SshTransport t = (SshTransport) factory.open(SshTargets.to(SSHD).build(), null)) {
            assertEquals("Ansible's default -C is not enough", "none", t.session().getNegotiatedKexParameter(
                    org.apache.sshd.common.kex.KexProposalOption.C2SCOMP));
        }
        try (SshTransport t = (SshTransport) factory.open(SshTargets.to(SSHD).extra("-o Compression=yes").build(),
                null)) {
            assertEquals("zlib@openssh.com", t.session().getNegotiatedKexParameter(
                    org.apache.sshd.common.kex.KexProposalOption.C2SCOMP));
            assertEquals("ok\n", run(t, "echo ok", null, 0));
        }
    }

    @Test
    public void algorithmOptionsAreHonoured() throws Exception {
        try (SshTransport t = (SshTransport) factory.open(SshTargets.to(SSHD).extra("-c aes256-ctr"
                + " -o MACs=hmac-sha2-512-etm@openssh.com -o KexAlgorithms=^ecdh-sha2-nistp256"
                + " -o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa").build(), null)) {
            org.apache.sshd.client.session.ClientSession s = t.session();
            assertEquals("aes256-ctr", s.getNegotiatedKexParameter(
                    org.apache.sshd.common.kex.KexProposalOption.C2SENC));
            assertEquals("hmac-sha2-512-etm@openssh.com", s.getNegotiatedKexParameter(
                    org.apache.sshd.common.kex.KexProposalOption.C2SMAC));
            assertEquals("ecdh-sha2-nistp256", s.getNegotiatedKexParameter(
                    org.apache.sshd.common.kex.KexProposalOption.ALGORITHMS));
            assertEquals("ok\n", run(t, "echo ok", null, 0));
        }
        TransportException e = openFails(SshTargets.to(SSHD).extra("-o Ciphers=rot13-cbc").build());
        assertTrue(e.isConfigurationError());
        assertContains(e.getMessage(), "ansible_ssh_extra_args", "Ciphers", "unsupported algorithm 'rot13-cbc'");
        e = openFails(SshTargets.to(SSHD).extra("-o HostKeyAlgorithms=ssh-rsa").build());
        // the server has an ed25519 host key only: MINA's reason is part of the message
        assertContains(e.getMessage(), "closed during the key exchange: ", "ssh-rsa");
    }

    @Test
    public void chaChaPoly1305CarriesBulkDataBothWaysWithAnOpenSshServer() throws Exception {
        bulkDataBothWays("chacha20-poly1305@openssh.com", ChaCha20Poly1305.class);
    }

    @Test
    public void aesGcmIsPreferredOverPureJavaChaCha() throws Exception {
        try (SshTransport t = (SshTransport) factory.open(SshTargets.to(SSHD).build(), null)) {
            assertEquals("aes128-gcm@openssh.com", t.session().getNegotiatedKexParameter(
                    org.apache.sshd.common.kex.KexProposalOption.C2SENC));
        }
    }

    @Test
    public void nssAesGcmCarriesBulkDataBothWaysWithAnOpenSshServer() throws Exception {
        bulkDataBothWays("aes128-gcm@openssh.com", NativeAesGcm.class);
        bulkDataBothWays("aes256-gcm@openssh.com", NativeAesGcm.class);
    }

    /** ~3 MB each way through {@code cipher}, which must be computed by {@code impl}: many full packets, one short. */
    private void bulkDataBothWays(String cipher, Class<?> impl) throws Exception {
        try (SshTransport t = (SshTransport) factory.open(SshTargets.to(SSHD).extra("-c " + cipher).build(), null)) {
            org.apache.sshd.client.session.ClientSession s = t.session();
            assertEquals(cipher, s.getNegotiatedKexParameter(org.apache.sshd.common.kex.KexProposalOption.C2SENC));
            assertTrue(impl.isInstance(s.getCipherInformation(false)));
            assertTrue(impl.isInstance(s.getCipherInformation(true)));
            StringBuilder sent = new StringBuilder();
            for (int i = 0; sent.length() < 3_000_000; i++) {
                sent.append(i).append(i % 7 == 0 ? '\n' : ' ');
            }
            String digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(sent.toString().getBytes(StandardCharsets.UTF_8)));
            assertEquals(digest + "  -\n", run(t, "sha256sum", sent.toString(), 0));
            String back = run(t, "seq 1 400000", null, 0);
            assertEquals(400000, back.split("\n").length);
            assertTrue(back.startsWith("1\n2\n") && back.endsWith("\n400000\n"));
        }
    }

    @Test
    public void serverAliveDetectsAServerThatStoppedAnswering() throws Exception {
        try (SshdFixture own = new SshdFixture().start()) {
            Transport t = factory.open(SshTargets.to(own)
                    .extra("-o ServerAliveInterval=1 -o ServerAliveCountMax=2").build(), null);
            try {
                assertEquals("ok\n", run(t, "echo ok", null, 0));
                Thread.sleep(3500); // several answered keepalives must not close a healthy connection
                assertTrue(t.isConnected());
                long listener = Long.parseLong(Files.readString(own.dir().resolve("sshd.pid")).strip());
                List<Long> sessions = ProcessHandle.of(listener).orElseThrow().descendants()
                        .map(ProcessHandle::pid).toList();
                assertFalse("no sshd session process found", sessions.isEmpty());
                signal("STOP", sessions);
                try {
                    long deadline = System.currentTimeMillis() + 15_000;
                    while (t.isConnected() && System.currentTimeMillis() < deadline) {
                        Thread.sleep(200);
                    }
                    assertFalse("a silent server must be noticed by the keepalives", t.isConnected());
                } finally {
                    signal("CONT", sessions);
                }
            } finally {
                t.close();
            }
        }
    }

    private static void signal(String sig, List<Long> pids) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("kill", "-" + sig));
        pids.forEach(p -> cmd.add(String.valueOf(p)));
        new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
