package io.ansiblemitogen.it.core219;

import io.ansiblemitogen.testkit.Procs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Debian 13 root holding ansible-core 2.19 ({@code .ci/lib/trixie-root.sh}), at
 * {@code ${CI_CACHE_DIR:-/work/cache}/trixie}. It serves twice: ansible-playbook 2.19 runs inside it (chroot,
 * through {@code .ci/lib/trixie-run.sh}), and an sshd with {@code ChrootDirectory} makes it a Debian 13 /
 * Python 3.13 target.
 */
final class TrixieRoot {
    /** debootstrap takes about 90 s here; a slow mirror may take several times that. */
    private static final long BUILD_TIMEOUT_S = 900;

    private final Path root;
    private final Path ciLib;

    private TrixieRoot(Path root, Path ciLib) {
        this.root = root;
        this.ciLib = ciLib;
    }

    /**
     * The root, built (or completed) by trixie-root.sh. The script is idempotent and quick on a usable root, so
     * it always runs: it also adds packages that roots made by older versions of it lack. Never skips: a
     * machine that cannot make the root fails the suite saying why.
     */
    static TrixieRoot ensure() {
        String cache = System.getenv("CI_CACHE_DIR");
        Path root = Path.of(cache == null || cache.isBlank() ? "/work/cache" : cache, "trixie");
        Path ciLib = repoRoot().resolve(".ci/lib");
        Path script = ciLib.resolve("trixie-root.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("cannot build the ansible-core 2.19 root: " + script + " is missing");
        }
        Procs.Output out = Procs.run(List.of("sh", script.toString(), root.toString()), null, BUILD_TIMEOUT_S);
        if (out.exitCode() != 0 || !Files.isExecutable(root.resolve("usr/bin/ansible-playbook"))) {
            throw new IllegalStateException("the ansible-core 2.19 suite needs a Debian 13 root at " + root
                    + ", and `sh " + script + " " + root + "` could not make it (exit " + out.exitCode()
                    + "; it needs root, debootstrap and an apt mirror serving trixie; set CI_CACHE_DIR to build"
                    + " it elsewhere):\n" + out.stdout() + out.stderr());
        }
        return new TrixieRoot(root, ciLib);
    }

    private static Path repoRoot() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path p = base; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".ci/lib"))) {
                return p;
            }
        }
        throw new IllegalStateException("no .ci/lib above " + base);
    }

    Path path() {
        return root;
    }

    /** Where a path inside the root is on this machine. */
    Path hostPath(Path inside) {
        return root.resolve(root.getRoot().relativize(inside.toAbsolutePath()));
    }

    /**
     * The argument vector that runs {@code program} inside the root with each of {@code binds} mounted at its
     * own path (in a private mount namespace: nothing stays mounted), in {@code cwd}.
     */
    List<String> command(Set<Path> binds, Path cwd, String... program) {
        List<String> argv = new ArrayList<>(List.of("sh", ciLib.resolve("trixie-run.sh").toString(), root.toString()));
        for (Path b : new LinkedHashSet<>(binds)) {
            argv.add("-b");
            argv.add(b.toString());
        }
        argv.add("-C");
        argv.add(cwd.toString());
        argv.add("--");
        argv.addAll(List.of(program));
        return argv;
    }
}
