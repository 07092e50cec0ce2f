package io.ansiblemitogen.it.hops;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.it.engine.LocalTemp;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.TaskResult;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

/**
 * Connection delegation (issue 3, item 4) over real network namespaces: the bastion is the only namespace the
 * controller can reach, t1 is reachable only from the bastion, t2 only from t1 (see {@link NetnsLab}). Stock
 * Ansible reaches them with ProxyJump; the engine with {@code mitogen_via}, one SSH connection per hop, each
 * next session tunnelled through the previous hop's connection.
 */
public class DelegationTest {
    private static final LocalTemp LOCAL_TEMP = new LocalTemp();
    private static final Path PLAYBOOKS = Path.of("src/test/resources/hops");

    private static NetnsLab lab;
    private static CorpusRunner runner;
    private static EmbeddedEngine engine;

    @BeforeClass
    public static void setUp() throws Exception {
        assumeTrue("network namespaces need root", "root".equals(System.getProperty("user.name")));
        lab = new NetnsLab();
        try {
            lab.start();
        } catch (Exception | Error e) {
            lab.close();
            lab = null;
            throw e;
        }
        runner = new CorpusRunner().timeout(Duration.ofSeconds(120));
    }

    @AfterClass
    public static void tearDown() {
        LOCAL_TEMP.close();
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    public void targetsBehindBastionAgreeWithStockProxyJump() throws Exception {
        Path sshConfig = stockSshConfig();
        String b = lab.address("bastion");
        String t1 = lab.address("t1");
        Inventory stock = new Inventory()
                .host("bastion", hostVars("bastion", "-F " + sshConfig))
                .host("t1", hostVars("t1", "-F " + sshConfig + " -J root@" + b))
                .host("t2", hostVars("t2", "-F " + sshConfig + " -J root@" + b + ",root@" + t1));
        Inventory viaEngine = engineInventory();

        RunResult stockRun = runner.run(PLAYBOOKS.resolve("through_bastion.yml"), stock, LOCAL_TEMP.with(Mode.STOCK));
        assertSane(stockRun);
        int bastionBefore = lab.logins("bastion");
        int t1Before = lab.logins("t1");
        int t2Before = lab.logins("t2");
        RunResult ours;
        // An engine of its own: the login counts below must not depend on connections other tests left pooled.
        try (EmbeddedEngine fresh = new EmbeddedEngine()) {
            ours = runner.run(PLAYBOOKS.resolve("through_bastion.yml"), viaEngine, LOCAL_TEMP.with(EngineMode.of(fresh)));
        }
        assertSane(ours);

        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(stockRun, ours);
        assertEquals("stock (ProxyJump) and engine (mitogen_via) differ\n" + report + "\nengine run:\n"
                + ours.describe(), "", report);
        assertTrue("t1's task ran in t1's namespace", ours.task("addresses of the host the task ran on", "t1")
                .field("stdout").asText().contains(t1 + "/24"));
        assertTrue("t2's task ran in t2's namespace", ours.task("addresses of the host the task ran on", "t2")
                .field("stdout").asText().contains(lab.address("t2") + "/24"));
        assertEquals("nobody", ours.task("become behind the bastion (sudo on the target, through the tunnelled "
                + "session)", "t2").field("stdout").asText());
        assertEquals("one SSH login to the bastion for both targets behind it", 1,
                lab.logins("bastion") - bastionBefore);
        assertEquals("one SSH login to t1: its own tasks and t2's hop share it", 1, lab.logins("t1") - t1Before);
        assertEquals("one SSH login to t2", 1, lab.logins("t2") - t2Before);
        assertFalse("t2 was reached through t1: its sshd saw no connection from the controller's address",
                Files.readString(lab.sshdLog("t2")).contains("from " + lab.controllerAddress() + " "));
    }

    @Test
    public void loopInMitogenViaIsReportedWithItsChain() throws Exception {
        Inventory inv = engineInventory()
                .host("loopa", hostVars("t1", null))
                .host("loopb", hostVars("t2", null));
        inv.hostVar("loopa", "mitogen_via", "loopb").hostVar("loopb", "mitogen_via", "loopa");
        RunResult r = runner.run(PLAYBOOKS.resolve("ping.yml"), inv, engineMode().withArgs("-l", "loopa,t1"));
        TaskResult loop = r.task("ping", "loopa");
        assertEquals(r.describe(), "failed", loop.status());
        assertTrue(loop.field("msg").asText(), loop.field("msg").asText()
                .contains("mitogen_via loops: loopa -> loopb -> loopa"));
        assertEquals("the other host goes on", "ok", r.task("ping", "t1").status());
    }

    @Test
    public void deadBastionIsUnreachableNamingTheHop() throws Exception {
        Map<String, Object> dead = hostVars("bastion", null);
        dead.put("ansible_port", 2222); // nothing listens there: refused at once
        Inventory inv = engineInventory().host("deadhop", dead).host("behinddead", hostVars("t1", null));
        inv.hostVar("behinddead", "mitogen_via", "deadhop");
        inv.host("t1direct", hostVars("t1", null));
        long start = System.nanoTime();
        RunResult r = runner.run(PLAYBOOKS.resolve("ping.yml"), inv,
                engineMode().withArgs("-l", "behinddead,t1direct,t2"));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        TaskResult behind = r.task("ping", "behinddead");
        assertEquals(r.describe(), "unreachable", behind.status());
        String msg = behind.field("msg").asText();
        assertTrue(msg, msg.contains("deadhop"));
        assertTrue(msg, msg.contains("refused"));
        Path sshConfig = stockSshConfig();
        Inventory stock = new Inventory().host("behinddead", hostVars("t1", "-F " + sshConfig + " -J root@"
                + lab.address("bastion") + ":2222"));
        RunResult stockRun = runner.run(PLAYBOOKS.resolve("ping.yml"), stock, LOCAL_TEMP.with(Mode.STOCK));
        assertEquals("stock gives the same status: " + stockRun.describe(), "unreachable",
                stockRun.task("ping", "behinddead").status());
        TaskResult direct = r.task("ping", "t1direct");
        assertEquals("t1 is not reachable without the bastion: " + r.describe(), "unreachable", direct.status());
        assertEquals("the two-hop host is unaffected", "ok", r.task("ping", "t2").status());
        assertTrue("failures come quickly, not after a hang: " + seconds + " s", seconds < 60);
    }

    // ----------------------------------------------------------------------------------------------------

    /** For stock ssh: ProxyJump runs `ssh -F FILE -W ...` for the jump, so its key and known_hosts go in -F. */
    private static Path stockSshConfig() throws IOException {
        Path sshConfig = lab.dir().resolve("ssh_config");
        Files.writeString(sshConfig, "Host *\n  User root\n  IdentityFile " + lab.clientKey()
                + "\n  UserKnownHostsFile " + lab.knownHosts() + "\n  StrictHostKeyChecking yes\n"
                + "  ConnectTimeout 10\n");
        return sshConfig;
    }

    private static synchronized Mode engineMode() throws IOException {
        if (engine == null) {
            engine = new EmbeddedEngine();
        }
        return LOCAL_TEMP.with(EngineMode.of(engine));
    }

    /** bastion reached directly, t1 through it, t2 through t1: host keys checked against the lab's known_hosts. */
    private static Inventory engineInventory() {
        String checked = "-o UserKnownHostsFile=" + lab.knownHosts() + " -o StrictHostKeyChecking=yes";
        Inventory inv = new Inventory()
                .host("bastion", hostVars("bastion", checked))
                .host("t1", hostVars("t1", checked))
                .host("t2", hostVars("t2", checked));
        inv.hostVar("t1", "mitogen_via", "bastion").hostVar("t2", "mitogen_via", "t1");
        return inv;
    }

    private static Map<String, Object> hostVars(String node, String commonArgs) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ansible_connection", "ssh");
        v.put("ansible_host", lab.address(node));
        v.put("ansible_port", 22);
        v.put("ansible_user", "root");
        v.put("ansible_ssh_private_key_file", lab.clientKey().toString());
        v.put("ansible_python_interpreter", "/usr/bin/python3");
        v.put("ansible_ssh_timeout", 10);
        v.put("ansible_ssh_common_args", commonArgs != null ? commonArgs
                : "-o UserKnownHostsFile=" + lab.knownHosts() + " -o StrictHostKeyChecking=yes");
        return v;
    }

    private static void assertSane(RunResult r) {
        assertEquals(r.describe(), 0, r.exitCode());
        for (String h : List.of("t1", "t2")) {
            assertTrue(r.describe(), r.recap().containsKey(h));
            assertEquals(r.describe(), 0, r.recap().get(h).unreachable());
        }
        assertFalse(r.describe(), r.recap().containsKey("bastion"));
    }
}
