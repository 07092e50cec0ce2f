package io.ansiblemitogen.it.core219;

import io.ansiblemitogen.testkit.AnsibleRun;
import io.ansiblemitogen.testkit.CallbackPlugin;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.RunResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a corpus playbook with ansible-core 2.19 (inside the trixie root) against several targets in one
 * ansible-playbook process, the way {@link CorpusRunner} does for one target on the host's 2.14: fresh scratch
 * directories, pipelining, a private ControlPath directory whose masters are closed afterwards.
 *
 * <p>Differences, each needed by the set-up: every target gets its own {@code work_dir} as a host variable (the
 * targets may be one machine, so a shared one would mix their files; the corpus reads it as a variable either
 * way), all with the same length and the same placeholder. ansible-playbook sees only what is bind-mounted
 * into the root, at the same path: the corpus, this runner's directory, the controller scratch dir, the
 * callback plugin, the sshd fixtures' keys and known_hosts, and whatever the mode needs ({@link #bind}). The
 * controller's temp dir ({@code ANSIBLE_LOCAL_TEMP}) is one fixed directory under this runner's, bind-mounted:
 * the engine reads the files ansible-playbook hands to {@code put_file} by their paths, so they must be where
 * both see them, and it is the same in every mode so that results naming it compare equal.
 */
final class Corpus219Runner implements AutoCloseable {
    private final DebianRoot root;
    private final List<SshTarget> targets;
    private final Path baseDir;
    private final Path localTemp;
    private final CorpusRunner corpus;
    private final AtomicInteger runs = new AtomicInteger();
    private final Set<Path> extraBinds = new LinkedHashSet<>();

    Corpus219Runner(DebianRoot root, List<SshTarget> targets) {
        this.root = root;
        this.targets = List.copyOf(targets);
        this.corpus = new CorpusRunner();
        this.baseDir = corpus.baseDir();
        try {
            this.localTemp = Files.createDirectories(baseDir.resolve("ltmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One more host path to mount into the root for every run (the engine's socket and plugin dirs). */
    Corpus219Runner bind(Path p) {
        extraBinds.add(p);
        return this;
    }

    Corpus219Runner timeout(Duration t) {
        corpus.timeout(t);
        return this;
    }

    RunResult run(Path playbook, Mode mode) {
        Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
        targets.forEach(t -> hosts.put(t.alias(), Map.of()));
        return run(playbook, mode, targets, hosts);
    }

    /**
     * Runs {@code playbook} against the first target under several aliases, each with its own variables over the
     * target's (become methods, users, passwords, flags).
     */
    RunResult runAs(Path playbook, Mode mode, Map<String, Map<String, Object>> aliases) {
        return run(playbook, mode, List.of(targets.get(0)), aliases);
    }

    private RunResult run(Path playbook, Mode mode, List<SshTarget> on, Map<String, Map<String, Object>> aliases) {
        String stem = playbook.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path runDir = baseDir.resolve(stem + "-" + mode.name() + "-" + runs.incrementAndGet());
        Map<Path, SshTarget> workDirs = new LinkedHashMap<>();
        Path localDir = null;
        try {
            localDir = SshTarget.scratchDir(null, "tkl-"); // the controller's, on this machine: bind-mounted below
            Files.createDirectories(runDir);
            Path controlDir = Files.createDirectories(runDir.resolve("cp"));
            Inventory inventory = new Inventory();
            int i = 0;
            for (Map.Entry<String, Map<String, Object>> alias : aliases.entrySet()) {
                // each alias its own target (run), or all on the first (runAs)
                SshTarget t = on.size() == aliases.size() ? on.get(i++) : on.get(0);
                Path w = t.scratchDir("tkw-");
                workDirs.put(w, t);
                Map<String, Object> vars = new LinkedHashMap<>(t.hostVars());
                vars.putAll(alias.getValue());
                vars.put("work_dir", w.toString());
                inventory.host(alias.getKey(), vars);
            }
            Path inv = inventory.write(runDir.resolve("inventory.yml"));
            Path corpusDir = playbook.toAbsolutePath().getParent();

            Set<Path> binds = new LinkedHashSet<>(List.of(corpusDir, baseDir, localDir, CallbackPlugin.dir()));
            for (SshTarget t : targets) {
                binds.add(t.sshd().dir());
            }
            binds.addAll(extraBinds);

            // The modes used here leave ANSIBLE_LOCAL_TEMP alone, so setting it after their environment changes nothing.
            AnsibleRun run = corpus.corpusRun(playbook, runDir, localDir, controlDir, mode)
                    .command(root.command(binds, corpusDir, "ansible-playbook"))
                    .inventory(inv)
                    .env("ANSIBLE_LOCAL_TEMP", localTemp.toString());
            for (Path w : workDirs.keySet()) {
                run.placeholder(w.toString(), "<WORK_DIR>");
            }
            return CorpusRunner.runAndCloseMasters(run, controlDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run of " + playbook, e);
        } finally {
            workDirs.forEach((w, t) -> Procs.deleteTree(t.onHost(w)));
            if (localDir != null) {
                Procs.deleteTree(localDir);
            }
        }
    }

    @Override
    public void close() {
        corpus.close();
    }
}
