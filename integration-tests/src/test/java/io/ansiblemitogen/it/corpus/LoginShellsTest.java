package io.ansiblemitogen.it.corpus;

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
import org.junit.ClassRule;
import org.junit.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.Assert.assertEquals;

/**
 * Corpus playbooks whose results depend on who runs the commands, under stock and through the engine: accounts
 * whose login shells differ (bash, and dash as /bin/sh: sshd hands a bare command to the passwd entry's shell),
 * the local connection (ANSIBLE_EXECUTABLE), and the controller's umask (the mode of fetched files).
 */
public class LoginShellsTest {
    static final String BASH_USER = "tkshbash";
    static final String DASH_USER = "tkshdash";

    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static CorpusRunner runner;
    private static EmbeddedEngine engine;
    private static Mode engineMode;

    @BeforeClass
    public static void start() throws Exception {
        TestAccounts.ensureUser(BASH_USER, null, "/bin/bash");
        TestAccounts.ensureUser(DASH_USER, null, "/bin/sh");
        runner = new CorpusRunner();
        engine = new EmbeddedEngine();
        engineMode = EngineMode.of(engine);
    }

    @AfterClass
    public static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
    }

    private static Inventory inventory() {
        Inventory inv = Inventory.forFixtureAs(SSHD, BASH_USER, "bash-login");
        inv.host("dash-login", Inventory.fixtureVars(SSHD, DASH_USER));
        Map<String, Object> local = new LinkedHashMap<>();
        local.put("ansible_connection", "local");
        local.put("ansible_python_interpreter", "/usr/bin/python3");
        inv.host("local", local);
        return inv;
    }

    private static void assertAgree(String playbook, Mode stock, Mode ours) {
        Path p = Corpus.dir().resolve(playbook);
        RunResult a = runner.run(p, inventory(), stock);
        Corpus.assertSane(p, a);
        RunResult b = runner.run(p, inventory(), ours);
        Corpus.assertSane(p, b);
        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "engine").report(a, b);
        assertEquals(playbook + " (" + stock + "): stock and engine differ\n" + report + "\nengine run:\n"
                + b.describe(), "", report);
    }

    @Test
    public void commandsRunInTheShellStockUses() {
        assertAgree("shells.yml", Mode.STOCK, engineMode);
    }

    @Test
    public void fetchedFilesGetStocksModes() {
        assertAgree("fetch_modes.yml", Mode.STOCK, engineMode);
    }

    /** Under umask 077 stock's sftp creates fetched files without group and other bits. */
    @Test
    public void fetchedFilesFollowTheControllersUmask() {
        String[] umask077 = {"/bin/sh", "-c", "umask 077 && exec ansible-playbook \"$@\"", "ansible-playbook"};
        assertAgree("fetch_modes.yml", Mode.named("stock-umask-077").withCommand(umask077),
                engineMode.withCommand(umask077));
    }
}
