package io.ansiblemitogen.it.core219;

import io.ansiblemitogen.testkit.Procs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Debian root holding another ansible-core line ({@code .ci/lib/debian-root.sh SUITE DIR}), at
 * {@code ${CI_CACHE_DIR:-/work/cache}/SUITE}: trixie (Debian 13) holds ansible-core 2.19 and Python 3.13, sid the
 * newest (2.22 and Python 3.14 when written). It serves twice: ansible-playbook runs inside it (chroot, through
 * {@code .ci/lib/trixie-run.sh}, which works for any such root), and an sshd with {@code ChrootDirectory} makes
 * it a target with that suite's Python.
 */
final class DebianRoot {
    /** debootstrap takes 90 s (trixie) to 400 s (sid) here; a slow mirror may take several times that. */
    private static final long BUILD_TIMEOUT_S = 1200;

    private final Path root;
    private final Path ciLib;
    private final String line;

    private DebianRoot(Path root, Path ciLib, String line) {
        this.root = root;
        this.ciLib = ciLib;
        this.line = line;
    }

    /** Debian 13 with ansible-core 2.19. */
    static DebianRoot trixie() {
        return ensure("trixie", "2.19");
    }

    /** Debian sid with the newest ansible-core (2.22). */
    static DebianRoot sid() {
        return ensure("sid", "2.22");
    }

    /**
     * The root, built (or completed) by trixie-root.sh. The script is idempotent and quick on a usable root, so
     * it always runs: it also adds packages that roots made by older versions of it lack. Never skips: a
     * machine that cannot make the root fails the suite saying why.
     */
    private static DebianRoot ensure(String suite, String line) {
        String cache = System.getenv("CI_CACHE_DIR");
        Path root = Path.of(cache == null || cache.isBlank() ? "/work/cache" : cache, suite);
        Path ciLib = repoRoot().resolve(".ci/lib");
        Path script = ciLib.resolve("debian-root.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("cannot build the ansible-core " + line + " root: " + script + " is missing");
        }
        Procs.Output out = Procs.run(List.of("sh", script.toString(), suite, root.toString()), null, BUILD_TIMEOUT_S);
        if (out.exitCode() != 0 || !Files.isExecutable(root.resolve("usr/bin/ansible-playbook"))) {
            throw new IllegalStateException("the ansible-core " + line + " suite needs a Debian " + suite + " root at "
                    + root + ", and `sh " + script + " " + suite + " " + root + "` could not make it (exit "
                    + out.exitCode() + "; it needs root, debootstrap and an apt mirror serving " + suite
                    + "; set CI_CACHE_DIR to build it elsewhere):\n" + out.stdout() + out.stderr());
        }
        return new DebianRoot(root, ciLib, line);
    }

    /** The ansible-core line it holds ("2.19"), for messages. */
    String line() {
        return line;
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
