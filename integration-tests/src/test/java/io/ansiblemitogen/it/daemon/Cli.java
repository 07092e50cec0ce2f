package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.AnsibleRun;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.RunResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real {@code bin/ansible-mitogen} of this source tree, run as a user would run it. */
final class Cli {
    private Cli() {
    }

    static Path root() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        return base.getParent();
    }

    static Path bin() {
        Path bin = root().resolve("bin/ansible-mitogen");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("no launcher at " + bin);
        }
        return bin;
    }

    /** A playbook of this package's resources (src/test/resources/daemon). */
    static Path playbook(String name) {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return base.resolve("src/test/resources/daemon").resolve(name).toAbsolutePath();
    }

    /**
     * {@code bin/ansible-mitogen playbook} against {@code inventory}, finding its daemon through
     * ANSIBLE_MITOGEN_SOCKET_DIR as a Jenkins agent's environment would give it.
     */
    static RunResult playbook(Path playbook, Path inventory, Path socketDir, String... args) {
        return AnsibleRun.playbook(playbook)
                .command(List.of(bin().toString(), "playbook"))
                .inventory(inventory)
                .args(args)
                // Blank and 0 override whatever the caller's environment says: the directory alone must lead there.
                .env(Map.of("ANSIBLE_MITOGEN_SOCKET_DIR", socketDir.toString(), "ANSIBLE_MITOGEN_SOCKET", "",
                        "ANSIBLE_MITOGEN_EMBEDDED", "0", "ANSIBLE_MITOGEN_SUMMARY", "1"))
                .timeout(Duration.ofMinutes(2))
                .run();
    }

    static Path writeInventory(Inventory inv, Path dir, String name) {
        return inv.write(dir.resolve(name + ".yml"));
    }

    /** A short CLI command ({@code pool ...}); output to files, so it can never block on a pipe. */
    static Procs.Output run(long timeoutSeconds, String... args) {
        return run(bin(), Map.of(), timeoutSeconds, args);
    }

    /**
     * {@code launcher} (this tree's or a copy of it) with {@code env} over the caller's environment; a null value
     * removes that variable.
     */
    static Procs.Output run(Path launcher, Map<String, String> env, long timeoutSeconds, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(launcher.toString());
        argv.addAll(List.of(args));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("cli-out", ".txt");
            err = Files.createTempFile("cli-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            // The CLI must not find some other daemon through the caller's environment.
            pb.environment().remove("ANSIBLE_MITOGEN_SOCKET");
            pb.environment().remove("ANSIBLE_MITOGEN_SOCKET_DIR");
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                Procs.killTree(p.toHandle());
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + argv);
            }
            return new Procs.Output(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            for (Path p : new Path[] {out, err}) {
                try {
                    if (p != null) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
