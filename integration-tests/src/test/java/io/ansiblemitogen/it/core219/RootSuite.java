package io.ansiblemitogen.it.core219;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.it.corpus.Corpus;
import io.ansiblemitogen.it.corpus.EngineAgreement;
import io.ansiblemitogen.it.engine.EngineMode;
import io.ansiblemitogen.it.engine.PayloadWatch;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.ResultNormaliser;
import io.ansiblemitogen.testkit.RunResult;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.Assert.assertTrue;

/**
 * The differential suite for an ansible-core line held in a Debian root: every corpus playbook runs under stock
 * and through the engine in each routing mode (EngineAgreement), ansible-playbook inside the root, against two
 * targets in the same run: this machine's sshd (Debian 12, Python 3.11) and an sshd chrooted into the root (its
 * suite's Python). Results are compared field by field as in the 2.14 suite; one engine (in this JVM) serves the
 * whole suite. Each target's TMPDIR is watched: stock runs must unpack AnsiballZ there (the watch works), engine
 * runs never.
 */
final class RootSuite implements AutoCloseable {
    private final DebianRoot root;
    private final List<SshTarget> targets = new ArrayList<>();
    private PayloadWatch watch;
    private Corpus219Runner runner;
    private EmbeddedEngine engine;
    private EngineAgreement agreement;
    private int stockPayloads;
    private Duration stockTime = Duration.ZERO;

    /** Starts the targets (the second one in {@code root}, named {@code rootAlias}), the watch and the engine. */
    RootSuite(DebianRoot root, String rootAlias) throws IOException {
        this(root, rootAlias, null);
    }

    /**
     * As above; with {@code connectionModeOnly} non-null, the connection-plugins-only mode runs only the playbooks
     * named there (the strategy mode runs them all).
     */
    RootSuite(DebianRoot root, String rootAlias, Set<String> connectionModeOnly) throws IOException {
        this.root = root;
        try {
            targets.add(SshTarget.thisMachine("py311"));
            targets.add(SshTarget.inRoot(rootAlias, root));
            List<Path> tmps = new ArrayList<>();
            for (SshTarget t : targets) {
                tmps.add(t.onHost(t.tmpDir()));
            }
            watch = new PayloadWatch(tmps);
            engine = new EmbeddedEngine();
            List<Mode> modes = EngineMode.everyRouting(engine);
            agreement = new EngineAgreement(engine, modes, watch, normaliser(), root.line());
            if (connectionModeOnly != null) {
                agreement.everyModeOnlyFor(
                        p -> connectionModeOnly.contains(p.getFileName().toString().replaceFirst("\\.yml$", "")));
            }
            runner = new Corpus219Runner(root, targets).bind(engine.socket().getParent());
            // the plugin's files (ANSIBLE_CONNECTION_PLUGINS=<plugin dir>/connection) must be visible inside the root
            runner.bind(Path.of(modes.get(0).env().get("ANSIBLE_CONNECTION_PLUGINS").split(":")[0]).getParent());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The corpus, then the playbooks of src/test/resources/core219 (same -Dcorpus.only filter). */
    static List<Object[]> playbooks() {
        List<Object[]> all = new ArrayList<>(Corpus.parameters());
        String only = System.getProperty("corpus.only", "");
        Set<String> wanted = only.isBlank() ? Set.of() : Set.of(only.split(","));
        for (Path p : CorpusRunner.playbooks(Corpus.dir().resolveSibling("core219"))) {
            if (wanted.isEmpty() || wanted.contains(p.getFileName().toString().replaceFirst("\\.yml$", ""))) {
                all.add(new Object[] {p.getFileName().toString(), p});
            }
        }
        return all;
    }

    void check(Path playbook) {
        watch.takePayloads();
        RunResult stock = runner.run(playbook, Mode.STOCK);
        stockTime = stockTime.plus(stock.duration());
        stockPayloads += watch.takePayloads().size();
        Corpus.assertSane(playbook, stock);
        agreement.check(playbook, stock, mode -> runner.run(playbook, mode));
    }

    /**
     * The standard rules plus one: 2.19's copy action writes {@code content=} to
     * {@code tempfile.mkstemp(dir=local_tmp, prefix='.')} (2.14: no prefix, which the standard {@code tmp<random>}
     * rule covers), and the module reports that random name as {@code _original_basename}; two stock runs differ
     * there as much as stock and engine do.
     */
    private static ResultNormaliser normaliser() {
        return ResultNormaliser.standard().withStringRule("^\\.[a-z0-9_]{8}$", ".<random>");
    }

    /** Stops everything; fails if the engine opened more connections than allowed or the watch saw nothing. */
    @Override
    public void close() {
        String name = "ansible-core " + root.line() + " suite";
        // CI's time budget: what each side costs (docs/ansible-core-compat.md)
        System.out.println(name + ": ansible-playbook wall time, stock " + stockTime.toSeconds() + " s, engine (every "
                + "mode) " + (agreement == null ? 0 : agreement.engineTime().toSeconds()) + " s");
        try {
            if (engine != null) {
                long opened = engine.engine().pool().openedCount();
                engine.close();
                long allowed = agreement == null ? Long.MAX_VALUE : agreement.allowedConnections(targets.size());
                assertTrue(name + ": the engine opened " + opened + " connections to " + targets.size()
                        + " targets, allowed " + allowed + " (one each, plus one each per reset)", opened <= allowed);
            }
            if (watch != null && Corpus.parameters().size() > 3) {
                assertTrue(name + ": stock runs never unpacked AnsiballZ into a watched TMPDIR: the watch proves "
                        + "nothing", stockPayloads > 0);
            }
        } finally {
            if (watch != null) {
                watch.close();
            }
            if (runner != null) {
                runner.close();
            }
            targets.forEach(SshTarget::close);
        }
    }
}
