package io.ansiblemitogen.it.core219;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.nio.file.Path;
import java.util.List;

/**
 * The differential suite on ansible-core 2.22, the newest (the Debian sid root; targets: this machine's Python 3.11 and the
 * root's 3.14), stock against the engine in both routing modes: see {@link RootSuite}.
 */
@RunWith(Parameterized.class)
public class StockVsEngine222Test {
    private static RootSuite suite;

    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        return RootSuite.playbooks();
    }

    private final Path playbook;

    public StockVsEngine222Test(String name, Path playbook) {
        this.playbook = playbook;
    }

    @BeforeClass
    public static void start() throws Exception {
        // As on 2.19: the connection-only mode on the playbooks where routing shows (CI's 40 minutes); the whole
        // corpus runs in that mode on 2.14.
        suite = new RootSuite(DebianRoot.sid(), "py314", StockVsEngine219Test.CONNECTION_MODE_PLAYBOOKS);
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
