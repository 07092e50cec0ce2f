package io.ansiblemitogen.it.plain;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.it.corpus.Corpus;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultComparator;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * The differential suite through plain {@code ansible-playbook}, configured only by the project's
 * {@code ansible.cfg} ({@code strategy_plugins} + {@code strategy}): the plugin finds no daemon, starts one, and
 * every later playbook reuses it. A subset of the corpus keeps the time down (the whole corpus goes through the
 * engine in StockVsEngineTest); each result is compared with stock field by field, as there.
 */
@RunWith(Parameterized.class)
public class PlainStockVsEngineTest {
    /** One per kind of request: modules, pipelined commands with stdin, file up, file down, non-Python modules, failure. */
    static final Set<String> SUBSET = Set.of("command.yml", "copy_content.yml", "template.yml", "fetch.yml",
            "module_types.yml", "failing_module.yml");

    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static CorpusRunner runner;
    private static PlainAnsible plain;
    private static Mode plainMode;

    @Parameters(name = "{0}")
    public static List<Object[]> playbooks() {
        return Corpus.parameters().stream().filter(p -> SUBSET.contains((String) p[0])).collect(Collectors.toList());
    }

    private final Path playbook;

    public PlainStockVsEngineTest(String name, Path playbook) {
        this.playbook = playbook;
    }

    @BeforeClass
    public static void start() throws Exception {
        runner = new CorpusRunner();
        plain = PlainAnsible.create();
        plainMode = plain.mode("plain");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (plain != null) {
            try {
                JsonNode st = plain.poolStatus();
                assertNotNull("the plain runs left no daemon at " + plain.socket(), st);
                assertEquals("one daemon, started by the first plain run, served them all", 1, plain.daemonStarts());
                long opened = st.path("connections_opened").asLong();
                assertTrue("the daemon opened " + opened + " connections to one target over the suite", opened == 1);
            } finally {
                plain.closeExpectingNoDaemon();
            }
        }
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    public void plainAnsiblePlaybookAgreesWithStock() throws Exception {
        Inventory inventory = Inventory.forFixture(SSHD, "target");
        RunResult stock = runner.run(playbook, inventory, Mode.STOCK);
        Corpus.assertSane(playbook, stock);
        long before = plain.requestsServed();
        RunResult ours = runner.run(playbook, inventory, plainMode);
        Corpus.assertSane(playbook, ours);
        assertTrue("the plain run did not go through the daemon at " + plain.socket() + "\n" + ours.describe(),
                plain.requestsServed() > before);
        System.out.printf("%s: stock %d ms, plain %d ms%n", playbook.getFileName(), stock.duration().toMillis(),
                ours.duration().toMillis());
        String report = new ResultComparator(ResultNormaliser.standard(), "stock", "plain").report(stock, ours);
        assertEquals(playbook.getFileName() + ": stock and plain ansible-playbook differ\n" + report
                + "\nplain run:\n" + ours.describe(), "", report);
    }
}
