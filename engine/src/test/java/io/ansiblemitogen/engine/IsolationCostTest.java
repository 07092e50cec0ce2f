package io.ansiblemitogen.engine;

import io.ansiblemitogen.become.TestAccounts;
import io.ansiblemitogen.transport.LocalTransport;
import org.junit.After;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** Measures what {@code mitogen_task_isolation: fork} costs per task against {@code reuse}, login and become. */
public class IsolationCostTest {
    private static final int TASKS = 40;
    private final Engine engine = new Engine((spec, via) -> new LocalTransport());

    @After
    public void tearDown() {
        engine.close();
    }

    private double perTaskMillis(TargetSpec t, BecomeSpec b, FakeModuleZip zip, String isolation) throws Exception {
        ModuleRequest m = zip.request(TestAccounts.PYTHON, "{}", isolation);
        assertEquals(0, engine.execModule(t, b, m).rc()); // warm: interpreter started, ZIP sent
        long start = System.nanoTime();
        for (int i = 0; i < TASKS; i++) {
            assertEquals(0, engine.execModule(t, b, m).rc());
        }
        return (System.nanoTime() - start) / 1e6 / TASKS;
    }

    @Test
    public void forkCostsLittleMoreThanReuse() throws Exception {
        FakeModuleZip zip = FakeModuleZip.standard();
        TargetSpec t = new TargetSpec("local", "cost", "localhost", null, null, null, null, null, null, null, null,
                null, null, TestAccounts.PYTHON, null);
        BecomeSpec become = null;
        if (TestAccounts.isRoot()) {
            TestAccounts.user("amtestplain", null);
            become = new BecomeSpec("sudo", "amtestplain", null, null, null);
        }
        double reuse = perTaskMillis(t, null, zip, "reuse");
        double fork = perTaskMillis(t, null, zip, "fork");
        double isolated = perTaskMillis(t, null, zip, "isolated");
        String line = String.format("isolation cost per task (login): reuse %.2f ms, fork %.2f ms, isolated %.2f ms",
                reuse, fork, isolated);
        if (become != null) {
            double bReuse = perTaskMillis(t, become, zip, "reuse");
            double bFork = perTaskMillis(t, become, zip, "fork");
            double bIsolated = perTaskMillis(t, become, zip, "isolated");
            line += String.format("; become child: reuse %.2f ms, fork %.2f ms, isolated %.2f ms", bReuse, bFork,
                    bIsolated);
            assertTrue(line, bFork < 250);
        }
        System.out.println(line);
        assertTrue(line, fork < 250);
    }
}
