package io.ansiblemitogen.become;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real accounts and sudoers rules for become tests (they need root: as in CI). Users are named {@code amtest*},
 * created idempotently and left in place (creating 60 users per run would only slow the next run down); sudoers
 * drop-ins are removed by the tests that add them.
 */
public final class TestAccounts {
    public static final String PYTHON = "/usr/bin/python3";

    private TestAccounts() {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Creates {@code name} if missing (with a home and /bin/sh); sets its password when one is given. */
    public static void user(String name, String password) throws IOException, InterruptedException {
        if (!name.startsWith("amtest")) {
            throw new IllegalArgumentException("test users are named amtest*: " + name);
        }
        if (run(List.of("id", "-u", name), null) != 0) {
            int rc = run(List.of("useradd", "-m", "-s", "/bin/sh", name), null);
            if (rc != 0 && run(List.of("id", "-u", name), null) != 0) {
                throw new IOException("useradd " + name + " failed with status " + rc);
            }
        }
        if (password != null) {
            if (run(List.of("chpasswd"), name + ":" + password + "\n") != 0) {
                throw new IOException("chpasswd for " + name + " failed");
            }
        }
    }

    /** Writes /etc/sudoers.d/NAME (checked with visudo first); returns the path to delete afterwards. */
    public static Path sudoers(String name, String... lines) throws IOException, InterruptedException {
        Path tmp = Files.createTempFile("amtest-sudoers", "");
        Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        if (run(List.of("visudo", "-c", "-q", "-f", tmp.toString()), null) != 0) {
            Files.delete(tmp);
            throw new IOException("visudo rejected: " + String.join(" / ", lines));
        }
        Path dst = Path.of("/etc/sudoers.d", name);
        Files.move(tmp, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(dst, PosixFilePermissions.fromString("r--r-----"));
        return dst;
    }

    /** Clears sudo's cached credentials of {@code user}, so each test sees the password prompt it expects. */
    public static void forgetSudoTimestamps(String user) throws IOException {
        Path dir = Path.of("/run/sudo/ts", user);
        Files.deleteIfExists(dir);
    }

    static int run(List<String> argv, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
