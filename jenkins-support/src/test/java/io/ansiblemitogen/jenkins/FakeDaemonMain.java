package io.ansiblemitogen.jenkins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stands in for {@code java -jar ansible-mitogen-cli-all.jar} in tests: {@code daemon --socket-dir D
 * --idle-timeout M} serves a {@link FakeEngine} on D/engine.sock and writes its pid to D/fake.pid;
 * {@code plugin-path} prints a directory. {@code -Dfake.fail=true} makes the daemon fail at start.
 */
public final class FakeDaemonMain {
    private FakeDaemonMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        if (a.get(0).equals("plugin-path")) {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "fake-ansible-mitogen-plugins");
            Files.createDirectories(dir);
            for (String name : List.of("mitogen_linear.py", "mitogen_free.py")) {
                if (!Files.exists(dir.resolve(name))) {
                    Files.writeString(dir.resolve(name), "# stand-in\n");
                }
            }
            System.out.println(dir);
            return;
        }
        if (!a.get(0).equals("daemon")) {
            System.err.println("unknown command " + a.get(0));
            System.exit(2);
        }
        System.out.println("fake daemon starting with " + a);
        if (Boolean.getBoolean("fake.fail")) {
            System.out.println("error: cannot bind: address family not supported (simulated)");
            System.exit(3);
        }
        Path dir = Path.of(a.get(a.indexOf("--socket-dir") + 1));
        int idleMinutes = Integer.parseInt(a.get(a.indexOf("--idle-timeout") + 1));
        Files.writeString(dir.resolve("fake.pid"), Long.toString(ProcessHandle.current().pid()));
        Thread.sleep(Long.getLong("fake.startDelayMs", 0));
        new FakeEngine(dir.resolve("engine.sock"), 1, () -> System.exit(0));
        Thread.sleep(idleMinutes * 60_000L); // the idle timeout, simplified: a fixed lifetime
        System.exit(0);
    }
}
