package io.ansiblemitogen.become;

import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.EngineException;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.FakeModuleZip;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

/**
 * Become against real accounts on this machine: the engine as root (sudo without password), and a non-root login
 * (through runuser) that must type passwords for sudo and su, with requiretty, wrong and missing passwords.
 */
public class BecomeTest {
    static final String LOGIN = "amtestlogin";
    static final String LOGIN_PW = "Login-Pw1 with space";
    static final String SU_USER = "amtestsu";
    static final String SU_PW = "Su'Pass\"1";
    static final String PLAIN = "amtestplain";
    static final String DROP_IN = "amtest-become";

    private Engine engine;
    private Path sudoers;

    @BeforeClass
    public static void accounts() throws Exception {
        assumeTrue("become tests need root (they create accounts)", TestAccounts.isRoot());
        TestAccounts.user(LOGIN, LOGIN_PW);
        TestAccounts.user(SU_USER, SU_PW);
        TestAccounts.user(PLAIN, null);
    }

    @AfterClass
    public static void cleanUp() throws Exception {
        Files.deleteIfExists(Path.of("/etc/sudoers.d", DROP_IN));
    }

    @After
    public void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (sudoers != null) {
            Files.deleteIfExists(sudoers);
        }
    }

    private static TargetSpec target(String name) {
        return new TargetSpec("local", name, "localhost", null, null, null, null, null, null, null, null, null,
                null, TestAccounts.PYTHON, null);
    }

    private Engine asRoot() {
        engine = new Engine((spec, via) -> new LocalTransport());
        return engine;
    }

    private Engine asLoginUser(String... sudoersLines) throws Exception {
        TestAccounts.forgetSudoTimestamps(LOGIN);
        sudoers = TestAccounts.sudoers(DROP_IN, sudoersLines);
        engine = new Engine((spec, via) -> new RunuserTransport(LOGIN));
        return engine;
    }

    private static String sh(Engine e, TargetSpec t, BecomeSpec b, String cmd) throws EngineException {
        ExecResult r = e.execCommand(t, b, cmd, null, null);
        assertEquals("stderr: " + new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return new String(r.stdout(), StandardCharsets.UTF_8).strip();
    }

    private static BecomeSpec sudo(String user, String password) {
        return new BecomeSpec("sudo", user, password, null, "-H -S -n");
    }

    @Test
    public void rootBecomesAnotherUserWithoutPasswordThroughOneChild() throws Exception {
        Engine e = asRoot();
        TargetSpec t = target("rootbox");
        assertEquals("root", sh(e, t, null, "id -un"));
        assertEquals(PLAIN, sh(e, t, sudo(PLAIN, null), "id -un"));
        assertEquals("-H gives the target's home", "/home/" + PLAIN, sh(e, t, sudo(PLAIN, null), "echo $HOME"));
        String pid1 = sh(e, t, sudo(PLAIN, null), "echo $PPID");
        String pid2 = sh(e, t, sudo(PLAIN, null), "echo $PPID");
        assertEquals("the same become interpreter serves both commands", pid1, pid2);
        Path src = Files.createTempFile("amtest-put", ".txt");
        Path dst = Path.of("/tmp", "amtest-put-" + System.nanoTime());
        try {
            Files.writeString(src, "owned by the become user");
            e.putFile(t, sudo(PLAIN, null), src, dst.toString(), "0600");
            assertEquals("files are written by the become user", PLAIN, Files.getOwner(dst).getName());
        } finally {
            Files.deleteIfExists(src);
            Files.deleteIfExists(dst);
        }
        TargetConnection conn = e.pool().snapshot().get(0);
        assertEquals(2, conn.interpreterCount());
        assertEquals("no second connection", 1, e.pool().openedCount());
    }

    @Test
    public void digestsOfAFileReceivedByTheLoginUserReachTheBecomeUsersModule() throws Exception {
        digestsReachTheBecomeUsersModule("amtest-digest");
    }

    /** Ansible writes module arguments with json.dumps: a non-ASCII path arrives as \\uXXXX escapes, not UTF-8. */
    @Test
    public void digestsReachTheBecomeUsersModuleThroughANonAsciiPath() throws Exception {
        digestsReachTheBecomeUsersModule("amtest-digest-\u00e9t\u00e9-\u6587");
    }

    private void digestsReachTheBecomeUsersModule(String dirPrefix) throws Exception {
        Engine e = asRoot();
        TargetSpec t = target("rootbox");
        byte[] data = new byte[2 * 1024 * 1024];
        new Random(8).nextBytes(data);
        Path src = Files.createTempFile("amtest-digest", ".bin");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), dirPrefix);
        Path dst = dir.resolve("source");
        try {
            Files.write(src, data);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            // received by root's interpreter, as Ansible sends a become task's file through the login user
            e.putFile(t, null, src, dst.toString(), "0644", List.of(), List.of(), false, List.of("sha1", "md5"));
            FakeModuleZip zip = FakeModuleZip.digests();
            ExecResult r = e.execModule(t, sudo(PLAIN, null), zip.request(TestAccounts.PYTHON,
                    "ansible.modules.digests", "{\"path\": \"" + asciiJson(dst.toString()) + "\"}", "reuse", Map.of()));
            assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
            var out = Json.mapper().readTree(r.stdout());
            HexFormat hex = HexFormat.of();
            assertEquals(hex.formatHex(MessageDigest.getInstance("SHA-1").digest(data)),
                    out.path("sha1").asText());
            assertEquals(hex.formatHex(MessageDigest.getInstance("MD5").digest(data)),
                    out.path("md5").asText());
            assertEquals(hex.formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                    out.path("sha256").asText());
            assertEquals("the become interpreter read the file for sha256 only", 1, out.path("reads").asInt());
        } finally {
            Files.deleteIfExists(src);
            Files.deleteIfExists(dst);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    public void standardStreamsStaySeparateUnderBecome() throws Exception {
        Engine e = asRoot();
        ExecResult r = e.execCommand(target("rootbox"), sudo(PLAIN, null),
                "printf 'out1\\n'; printf 'err1\\n' >&2; printf 'out2'; exit 3", null, null);
        assertEquals(3, r.rc());
        assertEquals("out1\nout2", new String(r.stdout(), StandardCharsets.UTF_8));
        assertEquals("err1\n", new String(r.stderr(), StandardCharsets.UTF_8));
        ExecResult in = e.execCommand(target("rootbox"), sudo(PLAIN, null), "cat",
                "piped\r\nbytes\u0000".getBytes(StandardCharsets.UTF_8), null);
        assertEquals("stdin reaches the command byte for byte (no terminal in between)",
                "piped\r\nbytes\u0000", new String(in.stdout(), StandardCharsets.UTF_8));
    }

    @Test
    public void loginUserTypesItsSudoPassword() throws Exception {
        Engine e = asLoginUser(LOGIN + " ALL=(ALL:ALL) ALL");
        TargetSpec t = target("pwbox");
        assertEquals(LOGIN, sh(e, t, null, "id -un"));
        BecomeSpec b = sudo("root", LOGIN_PW);
        assertEquals("root", sh(e, t, b, "id -un"));
        assertEquals(PLAIN, sh(e, t, sudo(PLAIN, LOGIN_PW), "id -un"));
        assertEquals(3, e.pool().snapshot().get(0).interpreterCount());
    }

    @Test
    public void wrongSudoPasswordFailsClearlyAndQuicklyAndTheHostKeepsWorking() throws Exception {
        Engine e = asLoginUser(LOGIN + " ALL=(ALL:ALL) ALL");
        TargetSpec t = target("pwbox");
        long start = System.nanoTime();
        try {
            sh(e, t, sudo("root", "not-the-password"), "id -un");
            fail("a wrong password must fail");
        } catch (EngineException x) {
            assertEquals(EngineException.Kind.FAILED, x.kind());
            assertEquals("sudo: incorrect password for become user 'root' on pwbox", x.getMessage());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue("took " + ms + " ms", ms < 15_000);
        assertEquals("the login interpreter survived", LOGIN, sh(e, t, null, "id -un"));
        assertEquals("root", sh(e, t, sudo("root", LOGIN_PW), "id -un"));
        assertEquals(1, e.pool().openedCount());
        String pid = sh(e, t, sudo("root", LOGIN_PW), "echo $PPID");
        assertEquals(0, new ProcessBuilder("kill", "-TERM", pid).start().waitFor());
        Thread.sleep(500);
        java.util.List<String> logs = e.drainLogs(t);
        assertTrue("the child's end is logged: " + logs, logs.stream().anyMatch(l -> l.contains("sudo:root")));
        for (String line : logs) {
            assertTrue("no password in the logs: " + line, !line.contains("not-the-password")
                    && !line.contains(LOGIN_PW));
        }
    }

    @Test
    public void missingSudoPasswordSaysSo() throws Exception {
        Engine e = asLoginUser(LOGIN + " ALL=(ALL:ALL) ALL");
        for (String flags : new String[] {"-H -S -n", "-H"}) {
            try {
                sh(e, target("pwbox"), new BecomeSpec("sudo", "root", null, null, flags), "id -un");
                fail("no password given");
            } catch (EngineException x) {
                assertEquals(flags, EngineException.Kind.FAILED, x.kind());
                assertTrue(flags + ": " + x.getMessage(), x.getMessage().startsWith(
                        "sudo: a password is required for become user 'root' on pwbox"));
            }
        }
    }

    @Test
    public void requirettyStillWorks() throws Exception {
        Engine e = asLoginUser("Defaults:" + LOGIN + " requiretty", LOGIN + " ALL=(ALL:ALL) ALL");
        ExecResult control = e.execCommand(target("ttybox"), null, "sudo -S -u root true", null, null);
        assertNotEquals("requiretty is in force for a command without a terminal", 0, control.rc());
        assertTrue(new String(control.stderr(), StandardCharsets.UTF_8).contains("tty"));
        assertEquals("root", sh(e, target("ttybox"), sudo("root", LOGIN_PW), "id -un"));
        ExecResult r = e.execCommand(target("ttybox"), sudo("root", LOGIN_PW), "cat", "x\r\ny".getBytes(
                StandardCharsets.UTF_8), null);
        assertEquals("x\r\ny", new String(r.stdout(), StandardCharsets.UTF_8));
    }

    @Test
    public void suTypesThePasswordAtItsPrompt() throws Exception {
        Engine e = asLoginUser(LOGIN + " ALL=(ALL:ALL) ALL");
        TargetSpec t = target("subox");
        BecomeSpec su = new BecomeSpec("su", SU_USER, SU_PW, null, null);
        assertEquals(SU_USER, sh(e, t, su, "id -un"));
        assertEquals(sh(e, t, su, "echo $PPID"), sh(e, t, su, "echo $PPID"));
        try {
            sh(e, t, new BecomeSpec("ansible.builtin.su", SU_USER, "wrong", null, ""), "id -un");
            fail("wrong su password");
        } catch (EngineException x) {
            assertEquals("su: incorrect password for become user 'amtestsu' on subox", x.getMessage());
        }
        assertEquals(SU_USER, sh(e, t, new BecomeSpec("su", SU_USER, SU_PW, "/bin/su", "-"), "id -un"));
    }

    @Test
    public void conflictingFlagsAreNamedAndBecomeExeIsHonoured() throws Exception {
        Engine e = asRoot();
        TargetSpec t = target("rootbox");
        try {
            sh(e, t, new BecomeSpec("sudo", PLAIN, null, null, "-H -i"), "true");
            fail("-i conflicts");
        } catch (EngineException x) {
            assertEquals(EngineException.Kind.BAD_REQUEST, x.kind());
            assertTrue(x.getMessage(), x.getMessage().contains("-i (--login)"));
        }
        try {
            sh(e, t, new BecomeSpec("machinectl", PLAIN, null, null, null), "true");
            fail("unknown method");
        } catch (EngineException x) {
            assertTrue(x.getMessage(), x.getMessage().contains("'machinectl' is not supported"));
        }
        try {
            sh(e, t, new BecomeSpec("sudo", PLAIN, null, "/nonexistent/sudo", null), "true");
            fail("become_exe must be used");
        } catch (EngineException x) {
            assertEquals(EngineException.Kind.FAILED, x.kind());
            assertTrue(x.getMessage(), x.getMessage().contains("/nonexistent/sudo"));
        }
        assertEquals(PLAIN, sh(e, t, new BecomeSpec("sudo", PLAIN, null, "/usr/bin/sudo", "-E"), "id -un"));
    }

    @Test
    public void becomeWorksFromTheOldestToTheNewestSupportedPython() throws Exception {
        Engine e = asRoot();
        int tried = 0;
        for (String v : new String[] {"3.6.15/bin/python3.6", "3.13.0/bin/python3.13"}) {
            Path python = Path.of("/root/.pyenv/versions", v);
            if (!Files.isExecutable(python)) {
                continue;
            }
            tried++;
            TargetSpec t = new TargetSpec("local", "py" + v, "localhost", null, null, null, null, null, null, null,
                    null, null, null, python.toString(), null);
            String version = sh(e, t, sudo("root", null), "echo $PPID; ps -o args= -p $PPID");
            assertTrue(version, version.contains(python.toString()));
        }
        assumeTrue("pyenv's 3.6 and 3.13 are not installed here", tried > 0);
    }

    @Test
    public void doasReadsItsPasswordFromTheTerminal() throws Exception {
        assumeTrue("doas is not installed (Debian package opendoas)", Files.isExecutable(Path.of("/usr/bin/doas")));
        Path conf = Path.of("/etc/doas.conf");
        assumeTrue("leave an existing /etc/doas.conf alone", !Files.exists(conf));
        Files.writeString(conf, "permit " + LOGIN + " as root\n");
        try {
            Engine e = asLoginUser("# doas test");
            TargetSpec t = target("doasbox");
            assertEquals("root", sh(e, t, new BecomeSpec("doas", "root", LOGIN_PW, null, null), "id -un"));
            try {
                sh(e, t, new BecomeSpec("doas", "root", "wrong", null, null), "true");
                fail("wrong doas password");
            } catch (EngineException x) {
                assertEquals("doas: incorrect password for become user 'root' on doasbox", x.getMessage());
            }
            try {
                sh(e, t, new BecomeSpec("doas", "root", null, null, "-n"), "true");
                fail("doas -n without a password");
            } catch (EngineException x) {
                assertEquals(EngineException.Kind.FAILED, x.kind());
                assertTrue(x.getMessage(), x.getMessage().startsWith(
                        "doas: a password is required for become user 'root' on doasbox"));
            }
        } finally {
            Files.deleteIfExists(conf);
        }
    }

    @Test
    public void thePromptAnsiblesPluginDescribesIsUsed() throws Exception {
        Engine e = asLoginUser(LOGIN + " ALL=(ALL:ALL) ALL");
        BecomeSpec b = new BecomeSpec("sudo", "root", LOGIN_PW, null, "-H -S -n",
                "[sudo via ansible, key=abc%def] password:");
        assertEquals("root", sh(e, target("pwbox"), b, "id -un"));
    }

    @Test
    public void localisedPromptsAreRecognisedAndUnknownOnesTimeOutInsteadOfHanging() throws Exception {
        Engine e = asRoot();
        TargetSpec t = target("frbox");
        sh(e, t, null, "true");
        e.pool().snapshot().get(0).children().setSpawnTimeoutSeconds(5);
        Path dir = Files.createTempDirectory("amtest-fakesu");
        try {
            // A su that speaks French: prompt on the terminal, password from stdin, like util-linux su.
            Path fakeSu = script(dir.resolve("fakesu"), "printf 'Mot de passe : ' >/dev/tty",
                    "IFS= read -r pw", "if [ \"$pw\" != 's3cret' ]; then",
                    "  echo \"su: \u00c9chec de l'authentification\" >/dev/tty; exit 1", "fi",
                    "exec /bin/sh -c \"$3\"");
            assertEquals("root", sh(e, t, new BecomeSpec("su", "root", "s3cret", fakeSu.toString(), null),
                    "id -un"));
            try {
                sh(e, t, new BecomeSpec("su", PLAIN, "wrong", fakeSu.toString(), null), "true");
                fail("wrong password");
            } catch (EngineException x) {
                assertEquals("su: incorrect password for become user 'amtestplain' on frbox", x.getMessage());
            }
            // A prompt nobody can recognise (no password word, no colon): a clear timeout, not a hang.
            Path pin = script(dir.resolve("pinsu"), "printf 'Token code> ' >/dev/tty", "sleep 60");
            long start = System.nanoTime();
            try {
                sh(e, t, new BecomeSpec("su", PLAIN, "x", pin.toString(), null), "true");
                fail("no start-up");
            } catch (EngineException x) {
                assertTrue(x.getMessage(), x.getMessage().startsWith(
                        "su: no answer within 5 s while starting become user 'amtestplain' on frbox"));
                assertTrue(x.getMessage(), x.getMessage().contains("Token code>"));
            }
            assertTrue((System.nanoTime() - start) / 1_000_000 < 12_000);
        } finally {
            for (String f : new String[] {"fakesu", "pinsu"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.delete(dir);
        }
    }

    private static Path script(Path p, String... lines) throws Exception {
        Files.writeString(p, "#!/bin/sh\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    public void concurrentFirstUsesShareOneChildAndADeadChildIsReplaced() throws Exception {
        Engine e = asRoot();
        TargetSpec t = target("rootbox");
        sh(e, t, null, "true");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<String>> pids = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                pids.add(pool.submit(() -> sh(e, t, sudo(PLAIN, null), "echo $PPID")));
            }
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (var f : pids) {
                distinct.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals("one child for four concurrent first uses", 1, distinct.size());
            assertEquals(2, e.pool().snapshot().get(0).interpreterCount());
            String pid = distinct.iterator().next();
            assertEquals(0, new ProcessBuilder("kill", "-9", pid).start().waitFor());
            // The login interpreter reports the child's end (GONE), so the next task starts a new one instead
            // of failing on the dead one.
            long deadline = System.currentTimeMillis() + 10_000;
            while (e.pool().snapshot().get(0).interpreterCount() != 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("the engine learnt that the child ended", 1,
                    e.pool().snapshot().get(0).interpreterCount());
            String again = sh(e, t, sudo(PLAIN, null), "echo $PPID");
            assertNotEquals(pid, again);
            assertEquals("root", sh(e, t, null, "id -un"));
            assertEquals(1, e.pool().openedCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aPasswordlessChildIsNotHandedToARequestWithAnotherPassword() throws Exception {
        Engine e = asLoginUser(LOGIN + " ALL=(ALL:ALL) ALL");
        TargetSpec t = target("pwbox");
        String first = sh(e, t, sudo("root", LOGIN_PW), "echo $PPID");
        try {
            sh(e, t, sudo("root", "someone else's guess"), "echo $PPID");
            fail("another password must authenticate on its own");
        } catch (EngineException x) {
            assertTrue(x.getMessage(), x.getMessage().contains("incorrect password"));
        }
        assertEquals(first, sh(e, t, sudo("root", LOGIN_PW), "echo $PPID"));
        assertNotEquals("", first);
    }

    /** A JSON string's body as Python's json.dumps writes it: every non-ASCII character as a \\uXXXX escape. */
    private static String asciiJson(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
