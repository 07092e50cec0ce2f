package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** Keys from a real OpenSSH ssh-agent (what Jenkins' sshagent step provides), never required. */
public class SshAgentTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Process agent;
    private Path socket;
    private SshTransportFactory factory;

    @Before
    public void startAgent() throws Exception {
        socket = tmp.getRoot().toPath().resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.getRoot().toPath().resolve("agent.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(socket) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue("ssh-agent did not create its socket", Files.exists(socket));
        factory = new SshTransportFactory();
    }

    @After
    public void stopAgent() throws Exception {
        factory.close();
        agent.destroy();
        agent.waitFor(5, TimeUnit.SECONDS);
    }

    private void sshAdd(Path key) throws Exception {
        Path askpass = tmp.getRoot().toPath().resolve("askpass.sh");
        Files.writeString(askpass, "#!/bin/sh\necho '" + SSHD.passphrase() + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("SSH_AUTH_SOCK", socket.toString());
        env.put("SSH_ASKPASS", askpass.toString());
        env.put("SSH_ASKPASS_REQUIRE", "force");
        env.put("DISPLAY", ":0");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(out, 0, p.waitFor());
    }

    private String agentOption() {
        return SSHD.sshCommonArgs() + " -o IdentityAgent=" + socket;
    }

    @Test
    public void agentKeyLogsInWithoutAnyKeyFile() throws Exception {
        sshAdd(SSHD.clientKey());
        try (Transport t = factory.open(SshTargets.to(SSHD).key(null).common(agentOption()).build(), null)) {
            assertTrue(t.isConnected());
        }
    }

    @Test
    public void encryptedKeyWithoutPassphraseIsLeftToTheAgent() throws Exception {
        sshAdd(SSHD.passphraseKey());
        try (Transport t = factory.open(SshTargets.to(SSHD).key(SSHD.passphraseKey().toString())
                .common(agentOption() + " -o IdentitiesOnly=yes").build(), null)) {
            assertTrue(t.isConnected());
        }
    }

    @Test
    public void identitiesOnlyAndIdentityAgentNoneKeepAgentKeysOut() throws Exception {
        sshAdd(SSHD.clientKey());
        Path stranger = tmp.getRoot().toPath().resolve("stranger");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString()).start()
                .waitFor();
        for (String extra : List.of("-o IdentitiesOnly=yes", "-o IdentityAgent=none")) {
            try (Transport t = factory.open(SshTargets.to(SSHD).key(stranger.toString())
                    .common(extra.contains("none") ? SSHD.sshCommonArgs() + " " + extra : agentOption() + " " + extra)
                    .build(), null)) {
                fail("agent key used despite " + extra + ": " + t.describe());
            } catch (TransportException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("Permission denied"));
            }
        }
    }

    /** What a program on the target sees of a forwarded agent: the variable, ssh-add's status and key list. */
    private static final String PROBE = "echo \"[${SSH_AUTH_SOCK:+set}]\"; if out=$(ssh-add -l 2>&1); then echo"
            + " \"$out\"; else echo unusable; fi"; // ssh-add's failure without an agent behind the socket is racy

    /**
     * ForwardAgent through the engine against the same options through OpenSSH's ssh, case by case: the target
     * sees a working SSH_AUTH_SOCK exactly when ssh gives it one (no agent on the controller: none at all), and
     * the agent it reaches is the one ssh would forward.
     */
    @Test
    public void forwardedAgentIsWhatOpenSshForwards() throws Exception {
        sshAdd(SSHD.clientKey());
        Path empty = tmp.getRoot().toPath().resolve("empty.sock");
        Process second = new ProcessBuilder("ssh-agent", "-D", "-a", empty.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!Files.exists(empty) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            String base = SSHD.sshCommonArgs() + " -o IdentityAgent=" + socket;
            List<String> cases = List.of(
                    base + " -o ForwardAgent=yes",
                    base + " -A",
                    base + " -o ForwardAgent=no -A",
                    base + " -A -a",
                    base,
                    base + " -o ForwardAgent=" + empty,
                    base + " -o ForwardAgent=/nonexistent/agent.sock",
                    SSHD.sshCommonArgs() + " -o IdentityAgent=none -o ForwardAgent=yes",
                    SSHD.sshCommonArgs() + " -o IdentityAgent=/nonexistent/agent.sock -o ForwardAgent=yes",
                    // without a ControlMaster (ssh_args below), ssh asks for forwarding only when its agent answers
                    "plain " + SSHD.sshCommonArgs() + " -o IdentityAgent=none -o ForwardAgent=yes",
                    "plain " + SSHD.sshCommonArgs() + " -o IdentityAgent=/nonexistent/agent.sock -A",
                    "plain " + base + " -A");
            int forwarded = 0;
            for (String c : cases) {
                boolean plain = c.startsWith("plain ");
                io.ansiblemitogen.engine.TargetSpec spec = SshTargets.to(SSHD).common(c.replaceFirst("^plain ", ""))
                        .sshArgs(plain ? "-C" : SshTargets.DEFAULT_SSH_ARGS).build();
                String ours;
                try (Transport t = factory.open(spec, null)) {
                    ours = run(t, PROBE);
                }
                assertEquals(c, openSsh(spec, PROBE), ours);
                forwarded += ours.startsWith("[set]") ? 1 : 0;
            }
            assertEquals("cases where the target got an SSH_AUTH_SOCK", 8, forwarded);
        } finally {
            second.destroy();
            second.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Every exec channel of the connection gets the agent (the engine opens several), and it stays usable. */
    @Test
    public void everyChannelOfTheConnectionReachesTheAgent() throws Exception {
        sshAdd(SSHD.clientKey());
        try (Transport t = factory.open(SshTargets.to(SSHD).common(agentOption() + " -o ForwardAgent=yes").build(),
                null)) {
            for (int i = 0; i < 3; i++) {
                String out = run(t, PROBE);
                assertTrue(out, out.startsWith("[set]") && out.contains("ED25519"));
            }
        }
    }

    private static String run(Transport t, String cmd) throws Exception {
        try (io.ansiblemitogen.transport.RemoteProcess p = t.exec(cmd)) {
            p.stdin().close();
            String out = new String(p.stdout().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(10_000);
            return out;
        }
    }

    /** The same command through OpenSSH with the arguments stock Ansible would give it. */
    private static String openSsh(io.ansiblemitogen.engine.TargetSpec spec, String cmd) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("ssh", "-F", "/dev/null"));
        for (SshOptions.Arg a : SshOptions.ansibleArgs(spec)) {
            argv.add(a.word());
        }
        // Ansible adds a ControlPath whenever ControlPersist is among the arguments: ssh is then a ControlMaster
        Path control = Files.createTempDirectory("cp");
        argv.add("-o");
        argv.add("ControlPath=" + control + "/%C");
        argv.add(spec.host());
        List<String> exit = new java.util.ArrayList<>(argv);
        argv.add(cmd);
        exit.add(1, "-O");
        exit.add(2, "exit");
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        // the master must not serve the next case, whose options differ
        new ProcessBuilder(exit).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(10, TimeUnit.SECONDS);
        io.ansiblemitogen.testkit.Procs.deleteTree(control);
        return out;
    }
}
