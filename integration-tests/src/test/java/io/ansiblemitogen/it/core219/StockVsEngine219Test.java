package io.ansiblemitogen.it.core219;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The differential suite on ansible-core 2.19 (the Debian 13 root; targets: this machine's Python 3.11 and the
 * root's 3.13), stock against the engine in both routing modes: see {@link RootSuite}.
 */
@RunWith(Parameterized.class)
public class StockVsEngine219Test {
    private static RootSuite suite;
    static final Set<String> CONNECTION_MODE_PLAYBOOKS = Set.of("strategies", "ping", "command", "raw", "shell",
            "script", "copy_file", "fetch", "template", "facts", "module_types", "failing_module",
            "wait_for_connection", "loops", "module_state");

    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        return RootSuite.playbooks();
    }

    private final Path playbook;

    public StockVsEngine219Test(String name, Path playbook) {
        this.playbook = playbook;
    }

    @BeforeClass
    public static void start() throws Exception {
        // The connection mode runs the whole corpus on 2.14; on 2.19 and 2.22, for CI's 40 minutes, the playbooks
        // where routing shows (strategies, every way a task reaches a target, reconnects, failures).
        suite = new RootSuite(DebianRoot.trixie(), "py313", CONNECTION_MODE_PLAYBOOKS);
    }

    @AfterClass
    public static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    public void engineAgreesWithStock() {
        suite.check(playbook);
    }
}
