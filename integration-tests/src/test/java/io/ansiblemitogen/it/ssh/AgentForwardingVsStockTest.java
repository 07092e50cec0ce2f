package io.ansiblemitogen.it.ssh;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.testkit.TestAccounts;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

/**
 * ForwardAgent in ssh_args (issue 18, item 1) with a real ssh-agent holding the fixture's key, under stock
 * Ansible and through the engine: a task sees a working SSH_AUTH_SOCK exactly when stock's does, with and without
 * become. Hosts: forwarding with sudoers keeping SSH_AUTH_SOCK for the login user (become root reaches the agent,
 * an unprivileged become user is refused by the socket's permissions), forwarding to a login with Debian's sudo
 * defaults (env_reset drops it), no forwarding, and forwarding asked for with no agent on the controller. A task
 * on the target logs in onward with the forwarded agent, so the relay really carries signatures.
 */
public class AgentForwardingVsStockTest {
    /**
     * One login user per host: stock's ControlPath is a hash of host, port and user, so two aliases of one sshd
     * logging in as the same user would share one ssh master and with it one host's forwarding setting.
     */
    static final List<String> LOGINS = List.of("amtestagent", "amtestagnof", "amtestagnoa", "amtestagdef");
    /** The login whose sudo keeps Debian's defaults (env_reset, no env_keep for SSH_AUTH_SOCK). */
    private static final String DEBIAN_DEFAULTS = "amtestagdef";
    private static final Path SUDOERS = Path.of("/etc/sudoers.d/amtest-agent-forwarding");
    private static final String DEFAULTS = "-C -o ControlMaster=auto -o ControlPersist=60s";

    private static SshdFixture sshd;
    private static CorpusRunner runner;
    private static EmbeddedEngine engine;
    private static Process agent;
    private static Path socket;
    private static Path dir;

    @BeforeClass
    public static void setUp() throws Exception {
        assumeTrue("real accounts and sudoers need root", "root".equals(System.getProperty("user.name")));
        StringBuilder sudoers = new StringBuilder();
        for (String login : LOGINS) {
            TestAccounts.ensureUser(login, null);
            if (!login.equals(DEBIAN_DEFAULTS)) {
                sudoers.append("Defaults:").append(login).append(" env_keep += \"SSH_AUTH_SOCK\"\n");
            }
            sudoers.append(login).append(" ALL=(ALL) NOPASSWD: ALL\n");
        }
        Files.writeString(SUDOERS, sudoers.toString());
        Files.setPosixFilePermissions(SUDOERS, PosixFilePermissions.fromString("r--r-----"));
        sshd = SshdFixture.builder().start();
        dir = Files.createTempDirectory("amtest-agent");
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(socket) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        ProcessBuilder add = new ProcessBuilder("ssh-add", sshd.clientKey().toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        add.environment().put("SSH_AUTH_SOCK", socket.toString());
        assertEquals("ssh-add", 0, add.start().waitFor());
        runner = new CorpusRunner().timeout(Duration.ofSeconds(180));
        engine = new EmbeddedEngine();
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        if (agent != null) {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(SUDOERS);
        if (dir != null) {
            io.ansiblemitogen.testkit.Procs.deleteTree(dir);
        }
    }

    @Test
    public void targetSeesTheAgentExactlyWhenStockDoes() throws Exception {
        String viaAgent = " -o IdentityAgent=" + socket;
        Inventory inv = new Inventory()
                .host("fwd", vars(LOGINS.get(0), DEFAULTS + " -o ForwardAgent=yes" + viaAgent))
                .host("sudodefaults", vars(DEBIAN_DEFAULTS, DEFAULTS + " -o ForwardAgent=yes" + viaAgent))
                .host("nofwd", vars(LOGINS.get(1), DEFAULTS + viaAgent))
                .host("noagent", vars(LOGINS.get(2), DEFAULTS + " -o ForwardAgent=yes"
                        + " -o IdentityAgent=/nonexistent.sock"));
        Path playbook = Path.of("src/test/resources/ssh/agent_forwarding.yml");
        RunResult stock = runner.run(playbook, inv, Mode.STOCK);
        assertEquals(stock.describe(), 0, stock.exitCode());
        RunResult ours = runner.run(playbook, inv, EngineMode.of(engine));
        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(stock, ours);
        assertEquals("stock and engine differ\n" + report + "\nengine run:\n" + ours.describe(), "", report);
        // The cases are the ones meant: the agent reached where forwarded, and refused or absent elsewhere.
        assertTrue(ours.describe(), out(ours, "agent without become", "fwd").contains("ED25519"));
        assertTrue(ours.describe(), out(ours, "agent after become root (sudo keeps SSH_AUTH_SOCK only where"
                + " sudoers says so)", "fwd").contains("ED25519"));
        assertTrue(ours.describe(), out(ours, "agent after become root (sudo keeps SSH_AUTH_SOCK only where"
                + " sudoers says so)", "sudodefaults").startsWith("[]"));
        assertTrue(ours.describe(), out(ours, "agent without become", "sudodefaults").contains("ED25519"));
        assertTrue(ours.describe(), out(ours, "the forwarded agent signs an onward login", "fwd")
                .startsWith("onward"));
        assertTrue(ours.describe(), out(ours, "agent without become", "nofwd").startsWith("[]"));
        // stock's ssh is a ControlMaster here: it asks for forwarding with no agent, the socket answers nothing
        assertEquals(ours.describe(), "[set]\nunusable", out(ours, "agent without become", "noagent"));
    }

    private static String out(RunResult r, String task, String host) {
        return r.task(task, host).field("stdout").asText();
    }

    private static Map<String, Object> vars(String user, String sshArgs) {
        Map<String, Object> v = Inventory.fixtureVars(sshd, user);
        v.put("ansible_ssh_args", sshArgs);
        return v;
    }
}
