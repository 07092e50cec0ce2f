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
 * The differential suite on ansible-core 2.19 (the Debian 13 root; targets: this machine's Python 3.11 and the
 * root's 3.13), stock against the engine in both routing modes: see {@link RootSuite}.
 */
@RunWith(Parameterized.class)
public class StockVsEngine219Test {
    private static RootSuite suite;

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
        suite = new RootSuite(DebianRoot.trixie(), "py313");
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
