package io.ansiblemitogen.it.become;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.it.engine.LocalTemp;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.testkit.TaskResult;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

/**
 * Become through a real SSH login (issue 3, item 1, differential): an unprivileged login user becomes another
 * unprivileged user with sudo and a password, and with su typing the target user's password, under stock
 * Ansible and through the engine; every task result must agree. A wrong password fails that host quickly with a
 * clear message. (ansible-core 2.14 does not pipeline su: both runs upload the module there; the engine still
 * does the su itself.)
 */
public class BecomeOverSshTest {
    public static final String LOGIN = "amtesthopl";
    public static final String LOGIN_PASSWORD = "hopl-Sudo-pw-7c1";
    public static final String APP = "amtesthopsu";
    public static final String APP_PASSWORD = "hopsu-Su-pw-4e9";
    private static final LocalTemp LOCAL_TEMP = new LocalTemp();
    private static final Path SUDOERS = Path.of("/etc/sudoers.d/amtest-hops-become");
    private static final Path PLAYBOOKS = Path.of("src/test/resources/become");
    /** A system temp dir for host viasudoutf, inside the shared directory. */
    private static final String UTF_TMP = "sys-tmp-\u00fcn\u00ef";
    private static final String BIG_COPY =
            "copy 2 MiB as the become user (hashed by the login interpreter as it arrives, checked by the module)";

    private static SshdFixture sshd;
    private static CorpusRunner runner;
    private static EmbeddedEngine engine;
    private static Path shared;

    @BeforeClass
    public static void setUp() throws Exception {
        assumeTrue("real accounts and sudoers need root", "root".equals(System.getProperty("user.name")));
        BecomeFailureHosts.setUp(SUDOERS);
        sshd = SshdFixture.builder().start();
        runner = new CorpusRunner().timeout(Duration.ofSeconds(120));
        engine = new EmbeddedEngine();
        shared = Path.of("/tmp", "amtest-become-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
    }

    @AfterClass
    public static void tearDown() throws IOException {
        LOCAL_TEMP.close();
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        Files.deleteIfExists(SUDOERS);
        if (shared != null) {
            Procs.deleteTree(shared);
        }
    }

    @Test
    public void sudoAndSuWithPasswordsAgreeWithStock() throws Exception {
        Inventory inv = new Inventory()
                .host("viasudo", login())
                .host("viasu", login())
                .host("viasudoutf", login());
        become(inv, "viasudo", "sudo", LOGIN_PASSWORD);
        become(inv, "viasu", "su", APP_PASSWORD);
        become(inv, "viasudoutf", "sudo", LOGIN_PASSWORD);
        // An unprivileged become user gets its temp dir in a system temp dir: here one with a non-ASCII name, so the
        // copy module's source path reaches the become child JSON-escaped (\u00fc), as module arguments carry it.
        inv.hostVar("viasudoutf", "ansible_system_tmpdirs", List.of(shared.resolve(UTF_TMP).toString()));
        RunResult[] runs = cleanAndEqual(PLAYBOOKS.resolve("become_ssh.yml"), inv);
        RunResult ours = runs[1];
        for (RunResult r : runs) {
            String src = r.task(BIG_COPY, "viasudoutf").field("src").asText();
            assertTrue("the copy's source went through the non-ASCII temp dir: " + src,
                    src.startsWith(shared.resolve(UTF_TMP) + "/"));
        }
        for (String h : List.of("viasudo", "viasu", "viasudoutf")) {
            assertEquals(APP, ours.task("who runs a command after become", h).field("stdout").asText());
            assertEquals(LOGIN, ours.task("without become", h).field("stdout").asText());
        }
        assertTrue("the passwords never reach the console", !ours.stdout().contains(LOGIN_PASSWORD)
                && !ours.stdout().contains(APP_PASSWORD));
    }

    @Test
    public void wrongPasswordFailsThatHostQuicklyAndClearly() throws Exception {
        Inventory inv = new Inventory()
                .host("wrongsudo", login())
                .host("wrongsu", login())
                .host("rightsudo", login());
        become(inv, "wrongsudo", "sudo", "not-the-password");
        become(inv, "wrongsu", "su", "not-the-password");
        become(inv, "rightsudo", "sudo", LOGIN_PASSWORD);
        Path playbook = PLAYBOOKS.resolve("wrong_password.yml");
        RunResult stock = run(playbook, inv, LOCAL_TEMP.with(Mode.STOCK));
        long start = System.nanoTime();
        RunResult ours = run(playbook, inv, LOCAL_TEMP.with(EngineMode.of(engine)));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertFalse(ours.describe(), ours.timedOut());
        assertTrue("no hang: " + seconds + " s", seconds < 60);
        for (String h : List.of("wrongsudo", "wrongsu")) {
            TaskResult t = ours.task("become with the given password", h);
            assertEquals(ours.describe(), stock.task("become with the given password", h).status(), t.status());
            assertEquals(ours.describe(), "failed", t.status());
            String msg = t.field("msg").asText();
            assertEquals(stock.task("become with the given password", h).field("msg").asText(), msg);
            // The engine's sentence, naming the user and this host, is on the console beside stock's words.
            String method = h.equals("wrongsu") ? "su" : "sudo";
            assertTrue(ours.stderr(), ours.stderr().contains(method + ": incorrect password for become user '" + APP
                    + "' on " + h));
            assertFalse(ours.stderr(), (msg + ours.stderr() + ours.stdout()).contains("not-the-password"));
            assertTrue("the failed host stops, as stock", ours.task("a task after it").stream()
                    .noneMatch(r -> r.host().equals(h)));
        }
        assertEquals(ours.describe(), "changed", ours.task("become with the given password", "rightsudo").status());
        assertEquals(ours.describe(), "changed", ours.task("a task after it", "rightsudo").status());
        assertEquals(stock.exitCode(), ours.exitCode());
    }

    /**
     * Issue 18, item 7: a become that fails must fail as stock's does, whole result compared: a wrong password
     * ("Incorrect sudo password", "Incorrect su password"), none ("Missing sudo password"; su, which has no words
     * for it, stock's prompt timeout), an option sudo does not know (sudo's own refusal and usage in
     * module_stderr, MODULE FAILURE, rc 1) and a become user that does not exist (sudo's and su's words, rc 1).
     * The login user keeps working on every host.
     */
    @Test
    public void becomeFailuresAreStocks() throws Exception {
        Inventory inv = new Inventory();
        BecomeFailureHosts.vars().forEach((h, vars) -> {
            Map<String, Object> v = login();
            v.putAll(vars);
            inv.host(h, v);
        });
        Path playbook = PLAYBOOKS.resolve("become_failures.yml");
        // One host at a time: the aliases share one ssh ControlPath, and stock's ssh processes racing to create
        // the master write "ControlSocket ... already exists, disabling multiplexing" into module_stderr.
        RunResult stock = run(playbook, inv, LOCAL_TEMP.with(Mode.STOCK).withArgs("-f", "1"));
        RunResult ours = run(playbook, inv, LOCAL_TEMP.with(EngineMode.of(engine)).withArgs("-f", "1"));
        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(stock, ours);
        assertEquals("stock and engine differ\n" + report + "\nengine run:\n" + ours.describe(), "", report);
        assertBecomeFailures(ours, "MODULE FAILURE");
    }

    /**
     * Two runs that agree could both be wrong: what stock says, as playbooks test it (2.14 and 2.19).
     * {@code moduleFailure}: how ActionBase words a module that printed no JSON (2.14: "MODULE FAILURE", 2.19:
     * "Module result deserialization failed"); {@code unreachable}: hosts whose failure ends the play for them
     * (2.19's prompt timeout).
     */
    public static void assertBecomeFailures(RunResult ours, String moduleFailure, String... unreachable) {
        Map<String, String> expected = BecomeFailureHosts.EXPECTED_MSG;
        expected.forEach((h, msg) -> {
            TaskResult t = ours.task("a module as the become user", h);
            String want = msg.equals("MODULE FAILURE") ? moduleFailure : msg;
            assertTrue(h + ": " + t.result(), t.field("msg").asText().contains(want)); // 2.19: "Task failed: ..."
        });
        assertTrue(ours.task("a module as the become user", "sudolongflag").field("module_stderr").asText()
                .contains("sudo: unrecognized option '--no-such-option'"));
        assertTrue(ours.task("a module as the become user", "sudoshortflag").field("module_stderr").asText()
                .contains("sudo: invalid option -- 'Z'"));
        assertTrue(ours.task("a module as the become user", "sudonouser").field("module_stderr").asText()
                .contains(BecomeFailureHosts.NO_SUCH_USER));
        assertEquals(1, ours.task("a module as the become user", "sudonouser").field("rc").asInt());
        for (String h : expected.keySet()) {
            if (List.of(unreachable).contains(h)) {
                continue;
            }
            assertEquals(ours.describe(), "changed", ours.task("the login user still works", h).status());
        }
        assertFalse("the password never reaches the console", ours.stdout().contains(LOGIN_PASSWORD)
                || ours.stderr().contains(LOGIN_PASSWORD) || ours.stdout().contains(BecomeFailureHosts.WRONG));
        assertTrue("the engine's own sentence is shown beside stock's: " + ours.stderr(),
                ours.stderr().contains("sudo: incorrect password for become user '" + APP + "' on sudowrong"));
    }

    /**
     * Issue 18, item 8: /etc/environment as a fresh login sees it. A task changes it; later su tasks see the new
     * value (each is a new PAM session under stock), login tasks what stock's shared ssh connection sees, with
     * and without PAM in sshd. The file is put back afterwards, whatever happens.
     */
    @Test
    public void etcEnvironmentAsStocksLoginsSeeIt() throws Exception {
        Path etcEnvironment = Path.of("/etc/environment");
        byte[] saved = Files.exists(etcEnvironment) ? Files.readAllBytes(etcEnvironment) : null;
        try (SshdFixture pamSshd = SshdFixture.builder().usePam(true).start()) {
            Map<String, Object> pam = login();
            pam.putAll(Inventory.fixtureVars(pamSshd)); // its port, key and known_hosts
            pam.put("ansible_user", LOGIN);
            Inventory inv = new Inventory().host("nopam", login()).host("pam", pam);
            become(inv, "nopam", "su", APP_PASSWORD);
            become(inv, "pam", "su", APP_PASSWORD);
            RunResult ours = cleanAndEqual(PLAYBOOKS.resolve("etc_environment.yml"), inv)[1];
            for (String h : List.of("nopam", "pam")) {
                List<String> saw = new java.util.ArrayList<>();
                ours.task("what each saw", h).field("msg").forEach(n -> saw.add(n.asText()));
                assertEquals(h, List.of("", "", "", "from etc environment", "from the task", ""), saw);
            }
        } finally {
            if (saved != null) {
                Files.write(etcEnvironment, saved);
            }
        }
    }

    /**
     * Remote logs (issue 3, item 9): target-side logging, warnings and stray output shown at -vvv, engine IO at
     * -vvvv, MITOGEN_ROUTER_DEBUG files on both sides; no secret in any of them.
     */
    @Test
    public void remoteLogsAreShownAndSecretsAreNot() throws Exception {
        String secret = "nolog-Secret-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        Inventory inv = new Inventory().host("logged", login());
        become(inv, "logged", "sudo", LOGIN_PASSWORD);
        inv.hostVar("logged", "nolog_secret", secret);
        long start = System.currentTimeMillis() - 1000;
        RunResult ours;
        // A fresh engine: router debugging applies to interpreters started after it was asked for.
        EmbeddedEngine debugEngine = new EmbeddedEngine();
        try {
            ours = run(PLAYBOOKS.resolve("logs.yml"), inv, LOCAL_TEMP.with(EngineMode.of(debugEngine))
                    .withEnv("MITOGEN_ROUTER_DEBUG", "1").withArgs("-vvvv"));
            assertClean(ours);
            String out = ours.stdout();
            assertTrue(out, out.contains("[mitogen:logged] WARNING amtest.module: logging-remote-marker"));
            // Isolated (the default): a module's warnings and descriptor 2 are its own stderr, as in the fresh
            // Python stock starts, which Ansible drops for a module that succeeded; its logging records come back.
            assertFalse(out, out.contains("stray-remote-marker"));
            assertFalse(out, out.contains("warnings-remote-marker"));
            // Reused: the agent's own warnings and descriptors, which it forwards.
            assertTrue(out, out.contains("[mitogen:logged] WARNING amtest.module: logging-reuse-marker"));
            assertTrue(out, out.matches("(?s).*\\[mitogen:logged\\] WARNING py.warnings: [^\\n]*warnings-reuse-marker.*"));
            assertTrue(out, out.contains("[mitogen:logged] INFO stdio: stray-reuse-marker"));
            assertTrue("-vvvv shows the engine's IO: " + out, out.contains("[mitogen:logged] IO context 1: run_module"));
            assertTrue("the become child's IO too: " + out, out.matches("(?s).*IO context [2-9]: run_module.*"));
            assertTrue("a no_log task's remote log records are hidden, and counted: " + out,
                    out.matches("(?s).*\\[mitogen:logged\\] INFO engine: [1-9]\\d* log record\\(s\\) of a no_log task hidden.*"));

            List<Path> files = new java.util.ArrayList<>();
            try (var s = Files.list(debugEngine.engine().debugDir())) {
                s.forEach(files::add);
            }
            assertTrue("controller side: one file per context (login + become child): " + files, files.size() >= 2);
            for (String user : List.of(LOGIN, APP)) {
                String uid = Procs.check(List.of("id", "-u", user), null).strip();
                Path dir = Path.of("/tmp", "ansible-mitogen-debug-" + uid);
                List<Path> fresh = new java.util.ArrayList<>();
                try (var s = Files.list(dir)) {
                    s.filter(p -> p.toFile().lastModified() >= start).forEach(fresh::add);
                }
                assertEquals("target side: one file for the " + user + " context: " + fresh, 1, fresh.size());
                assertTrue(Files.readString(fresh.get(0)).contains("CALL"));
                files.addAll(fresh);
            }
            String all = out + ours.stderr();
            for (Path f : files) {
                all += Files.readString(f);
            }
            assertTrue("the debug logs name the module run", all.contains("fqn=ansible.modules.command"));
            for (String s : List.of(secret, LOGIN_PASSWORD)) {
                assertFalse("a secret leaked into the output or a debug log", all.contains(s));
            }
        } finally {
            debugEngine.close();
            Procs.deleteTree(debugEngine.engine().debugDir());
            Files.deleteIfExists(debugEngine.engine().debugDir().getParent());
            cleanDebugFiles(start);
        }
    }

    /** The debug files this test made: the engine's (in its temp dir) and the targets' (by time, ours only). */
    private static void cleanDebugFiles(long since) throws IOException {
        for (String user : List.of(LOGIN, APP)) {
            String uid = Procs.check(List.of("id", "-u", user), null).strip();
            Path dir = Path.of("/tmp", "ansible-mitogen-debug-" + uid);
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        if (p.toFile().lastModified() >= since) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------

    private RunResult run(Path playbook, Inventory inv, Mode mode) throws IOException {
        // Same path in every run (so results compare), fresh and writable by both users each time.
        Procs.deleteTree(shared);
        Files.createDirectories(shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Procs.check(List.of("chmod", "1777", shared.toString()), null);
        Path utfTmp = Files.createDirectories(shared.resolve(UTF_TMP));
        Procs.check(List.of("chmod", "1777", utfTmp.toString()), null);
        return runner.run(playbook, inv, mode.withArgs("-e", "shared_dir=" + shared));
    }

    /** Stock's run and the engine's of {@code playbook}, both without failures, every result equal. */
    private RunResult[] cleanAndEqual(Path playbook, Inventory inv) throws IOException {
        RunResult stock = run(playbook, inv, LOCAL_TEMP.with(Mode.STOCK));
        assertClean(stock);
        RunResult ours = run(playbook, inv, LOCAL_TEMP.with(EngineMode.of(engine)));
        assertClean(ours);
        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(stock, ours);
        assertEquals("stock and engine differ\n" + report + "\nengine run:\n" + ours.describe(), "", report);
        return new RunResult[] {stock, ours};
    }

    private static Map<String, Object> login() {
        Map<String, Object> v = Inventory.fixtureVars(sshd);
        v.put("ansible_user", LOGIN);
        // ansible-core 2.14 without setfacl hands files to an unprivileged become user as world-readable temp
        // files only when allowed (copy uploads its source); both runs take the same path.
        v.put("ansible_shell_allow_world_readable_temp", true);
        return v;
    }

    private static void become(Inventory inv, String host, String method, String password) {
        inv.hostVar(host, "ansible_become_method", method)
                .hostVar(host, "ansible_become_user", APP);
        if (password != null) {
            inv.hostVar(host, "ansible_become_password", password);
        }
    }

    private static void assertClean(RunResult r) {
        assertEquals(r.describe(), 0, r.exitCode());
        r.recap().values().forEach(s -> {
            assertEquals(r.describe(), 0, s.failures());
            assertEquals(r.describe(), 0, s.unreachable());
        });
    }
}
