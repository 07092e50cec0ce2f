package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a corpus playbook the same way for every {@link Mode}, so two runs can be compared with
 * {@link ResultComparator}.
 *
 * <p>Each run gets: a fresh, empty {@code work_dir} per host (a host variable: the target's scratch directory;
 * targets are this machine, and several host aliases may be the same machine),
 * a fresh {@code local_dir} (the controller's scratch directory, e.g. for {@code fetch}), {@code big_file} (a
 * 50 MiB file of fixed pseudo-random content, made once per runner), these two passed with {@code -e}; the inventory
 * written into the run's directory; pipelining on; its own ssh ControlPath directory, whose ControlMasters are
 * closed after the run so that nothing outlives it and runs never share a connection.
 *
 * <p>The scratch paths have the same length in every run and are registered as placeholders, so the comparator
 * sees {@code <WORK_DIR>} and {@code <LOCAL_DIR>} wherever a result mentions them.
 */
public final class CorpusRunner implements AutoCloseable {
    /** Size of {@code big_file}: the corpus's one large copy. */
    public static final long BIG_FILE_SIZE = 50L * 1024 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path baseDir;
    private final AtomicInteger runs = new AtomicInteger();
    private final List<String> baseEnv = new ArrayList<>();
    private Duration timeout = Duration.ofMinutes(5);
    private Path bigFile;

    /** A runner keeping its files in a new directory under /tmp (short: ssh ControlPath sockets live in it). */
    public CorpusRunner() {
        this(createBase());
    }

    public CorpusRunner(Path baseDir) {
        this.baseDir = baseDir;
    }

    private static Path createBase() {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), "tkc-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per-run time limit; default 5 minutes. */
    public CorpusRunner timeout(Duration t) {
        this.timeout = t;
        return this;
    }

    /** The corpus playbooks (top-level *.yml) of a directory, sorted by name. */
    public static List<Path> playbooks(Path corpusDir) {
        try (Stream<Path> s = Files.list(corpusDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yml")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + corpusDir, e);
        }
    }

    public Path baseDir() {
        return baseDir;
    }

    public RunResult run(Path playbook, Inventory inventory, Mode mode) {
        String stem = playbook.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path runDir = baseDir.resolve(stem + "-" + mode.name() + "-" + runs.incrementAndGet());
        // one work_dir per host: several aliases may reach the same machine and must not share files
        Inventory inv = inventory.copy();
        List<Path> workDirs = new ArrayList<>();
        Path localDir = scratchDir("tkl-");
        try {
            for (String host : inv.hosts()) {
                Path w = scratchDir("tkw-");
                workDirs.add(w);
                ownBy(w, inv.hostVars(host).get("ansible_user"));
                inv.hostVar(host, "work_dir", w.toString());
            }
            Files.createDirectories(runDir);
            Path controlDir = Files.createDirectories(runDir.resolve("cp"));
            AnsibleRun run = corpusRun(playbook, runDir, localDir, controlDir, mode)
                    .inventory(inv.write(runDir.resolve("inventory.yml")));
            workDirs.forEach(w -> run.placeholder(w.toString(), "<WORK_DIR>"));
            return runAndCloseMasters(run, controlDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run of " + playbook, e);
        } finally {
            workDirs.forEach(Procs::deleteTree);
            Procs.deleteTree(localDir);
        }
    }

    /**
     * ansible-playbook set up as every corpus run is: {@code local_dir} and {@code big_file} with their
     * placeholders, pipelining, {@code controlDir} as the ssh ControlPath directory, and the mode's environment,
     * arguments and command. The caller adds the inventory and the work_dir placeholders.
     */
    public AnsibleRun corpusRun(Path playbook, Path runDir, Path localDir, Path controlDir, Mode mode) {
        Path big = bigFile();
        AnsibleRun run = AnsibleRun.playbook(playbook)
                .runDir(runDir)
                .timeout(timeout)
                .extraVar("local_dir", localDir.toString())
                .extraVar("big_file", big.toString())
                .placeholder(localDir.toString(), "<LOCAL_DIR>")
                .placeholder(big.toString(), "<BIG_FILE>")
                .env("ANSIBLE_PIPELINING", "True")
                .env("ANSIBLE_SSH_CONTROL_PATH_DIR", controlDir.toString())
                .env(mode.env())
                .args(mode.args().toArray(new String[0]));
        if (mode.command() != null) {
            run.command(mode.command());
        }
        return run;
    }

    /** Runs {@code run}, then ends the ControlMasters its ssh left in {@code controlDir}. */
    public static RunResult runAndCloseMasters(AnsibleRun run, Path controlDir) {
        try {
            return run.run();
        } finally {
            closeControlMasters(controlDir);
        }
    }

    /** The target logs in as {@code user}: its work_dir must be its own. */
    private static void ownBy(Path dir, Object user) throws IOException {
        if (user == null || user.toString().equals(System.getProperty("user.name"))) {
            return;
        }
        var lookup = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, lookup.lookupPrincipalByName(user.toString()));
    }

    /** A new empty directory /tmp/PREFIX + 8 hex digits: the same length every time. */
    private static Path scratchDir(String prefix) {
        for (int i = 0; i < 100; i++) {
            byte[] b = new byte[4];
            RANDOM.nextBytes(b);
            Path p = Path.of("/tmp", prefix + HexFormat.of().formatHex(b));
            try {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                return p;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // try another name
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free scratch directory name under /tmp");
    }

    /** The 50 MiB file, made on first use; fixed content so every run copies the same bytes. */
    public synchronized Path bigFile() {
        if (bigFile == null) {
            Path f = baseDir.resolve("big-50m.bin");
            SplittableRandom r = new SplittableRandom(20240601L);
            byte[] chunk = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(f)) {
                for (long done = 0; done < BIG_FILE_SIZE; done += chunk.length) {
                    for (int i = 0; i < chunk.length; i += 8) {
                        long v = r.nextLong();
                        for (int k = 0; k < 8; k++) {
                            chunk[i + k] = (byte) (v >>> (8 * k));
                        }
                    }
                    out.write(chunk);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + f, e);
            }
            bigFile = f;
        }
        return bigFile;
    }

    /**
     * Ends the ControlMaster processes ansible-playbook's ssh left behind (ControlPersist): without this they
     * outlive the run by a minute, hold sshd sessions open and would be reused by a later run.
     */
    private static void closeControlMasters(Path controlDir) {
        try (DirectoryStream<Path> sockets = Files.newDirectoryStream(controlDir)) {
            for (Path s : sockets) {
                Procs.run(List.of("ssh", "-o", "ControlPath=" + s, "-O", "exit", "testkit-control-master"),
                        null, 15);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        Procs.deleteTree(baseDir);
    }
}
