package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Procs;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * {@code ansible-mitogen daemon}, {@code pool} and {@code playbook} as processes: the private socket directory
 * and what it refuses, the idle timeout, {@code pool status|stop}, and a playbook finding the daemon.
 */
public class DaemonLifecycleTest {
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void servesInAPrivateDirectoryAndEndsWhenIdle() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("run").resolve("am");
        long started = System.nanoTime();
        // 8 s: long enough for the `pool status` JVM below to start on a loaded 2-core machine (with 3 s it once
        // found the daemon already gone), short enough to watch it end by itself.
        try (Daemon d = Daemon.start(dir, "--idle-timeout-seconds", "8")) {
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));
            assertTrue(Files.exists(d.socket(), LinkOption.NOFOLLOW_LINKS));

            Procs.Output st = Cli.run(60, "pool", "--socket-dir", dir.toString(), "status");
            assertEquals(st.stderr(), 0, st.exitCode());
            assertTrue(st.stdout(), st.stdout().startsWith("daemon " + d.socket() + ": 0 targets"));

            assertTrue("the daemon must end by itself once idle:\n" + d.log(), d.awaitExit(30));
            double took = (System.nanoTime() - started) / 1e9;
            assertEquals(d.log(), 0, d.process().exitValue());
            assertTrue(d.log(), d.log().contains("stopped: idle for 8 s"));
            assertFalse("the socket goes with the daemon", Files.exists(d.socket(), LinkOption.NOFOLLOW_LINKS));
            System.out.printf("DaemonLifecycleTest: idle timeout 8 s, the daemon ended %.1f s after start%n", took);
        }
        Procs.Output after = Cli.run(60, "pool", "--socket-dir", dir.toString(), "status");
        assertEquals(1, after.exitCode());
        assertTrue(after.stdout(), after.stdout().contains("no daemon running"));
    }

    @Test
    public void refusesADirectoryThatIsNotPrivate() throws Exception {
        Path root = tmp.getRoot().toPath();
        Path open = Files.createDirectory(root.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path real = Files.createDirectory(root.resolve("real"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(root.resolve("link"), real);
        Path foreign = Files.createDirectory(root.resolve("foreign"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Procs.check(List.of("chown", "nobody", foreign.toString()), null);

        assertRefused(open, "has mode rwxr-xr-x; it must be rwx------");
        assertRefused(link, "is a symbolic link");
        assertRefused(foreign, "belongs to uid " + Files.getAttribute(foreign, "unix:uid"));
        assertFalse("nothing may be created through the link", Files.exists(real.resolve("engine.sock")));
        assertEquals("a refused directory is left as it was", "rwxr-xr-x",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(open)));
    }

    private void assertRefused(Path dir, String why) throws Exception {
        Path log = tmp.getRoot().toPath().resolve(dir.getFileName() + ".log");
        Process p = Daemon.launch(dir, log, "--idle-timeout-seconds", "5");
        try {
            assertTrue("the daemon must refuse " + dir + " at once", p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            Procs.killTree(p.toHandle());
        }
        String out = Files.readString(log);
        assertEquals(out, 1, p.exitValue());
        assertTrue(out, out.contains(why));
        assertFalse(out, Files.exists(dir.resolve("engine.sock"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void anotherUserIsTurnedAwayEvenIfTheDirectoryIsOpened() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("peer");
        try (Daemon d = Daemon.start(dir, "--idle-timeout-seconds", "120")) {
            // Someone loosens the modes after the daemon started: the daemon itself still checks who calls.
            Files.setPosixFilePermissions(tmp.getRoot().toPath(), PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(d.socket(), PosixFilePermissions.fromString("rwxrwxrwx"));
            String hello = String.join("\n",
                    "import json, socket, struct, sys",
                    "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                    "s.settimeout(20)",
                    "s.connect(sys.argv[1])",
                    "b = json.dumps({'op': 'hello', 'id': 1, 'protocol': 1}).encode()",
                    "try:",
                    "    s.sendall(struct.pack('>I', len(b)) + b)",
                    "    print('REPLY' if s.recv(4) else 'CLOSED')",
                    "except OSError as e:",
                    "    print('CLOSED', e)");
            Procs.Output mine = Procs.run(List.of("python3", "-c", hello, d.socket().toString()), null, 30);
            assertTrue("the daemon's own user is served: " + mine, mine.stdout().startsWith("REPLY"));
            Procs.Output other = Procs.run(List.of("runuser", "-u", "nobody", "--", "python3", "-c", hello,
                    d.socket().toString()), null, 30);
            assertTrue("another user must be turned away: " + other, other.stdout().startsWith("CLOSED"));
            assertTrue(d.log(), d.log().contains("refused a client running as nobody"));
        }
    }

    @Test
    public void playbookFindsTheDaemonByItsSocketAndPoolStopEndsIt() throws Exception {
        try (SshdFixture sshd = SshdFixture.builder().start()) {
            Path dir = tmp.getRoot().toPath().resolve("sock");
            try (Daemon d = Daemon.start(dir, "--idle-timeout", "10")) {
                Path inv = Cli.writeInventory(Inventory.forFixture(sshd, "target"), tmp.getRoot().toPath(), "one");
                RunResult r = io.ansiblemitogen.testkit.AnsibleRun.playbook(Cli.playbook("reuse.yml"))
                        .command(List.of(Cli.bin().toString(), "playbook")).inventory(inv)
                        .env(Map.of("ANSIBLE_MITOGEN_SOCKET", d.socket().toString(), "ANSIBLE_MITOGEN_SUMMARY", "1"))
                        .timeout(Duration.ofMinutes(2)).run();
                Runs.assertClean("run through ANSIBLE_MITOGEN_SOCKET", r, 1, sshd);
                assertTrue(r.stderr(), r.stderr().contains("connections opened 1, reused 1 (daemon " + d.socket()));

                Procs.Output st = Cli.run(60, "pool", "--socket-dir", dir.toString(), "status");
                assertTrue(st.stdout(), st.stdout().contains("1 target, connections opened 1"));
                assertTrue(st.stdout(), st.stdout().contains("ssh:root@127.0.0.1:" + sshd.port()));

                Procs.Output stop = Cli.run(60, "pool", "--socket-dir", dir.toString(), "stop");
                assertEquals(stop.stdout() + stop.stderr(), 0, stop.exitCode());
                assertTrue("pool stop must end the daemon:\n" + d.log(), d.awaitExit(20));
                assertTrue(d.log(), d.log().contains("stopped: asked to shut down"));
                assertEquals("the daemon's connection to the target is closed with it", 0,
                        ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("")
                                .contains(sshd.config().toString())).mapToLong(h -> h.children().count()).sum());
            }
        }
    }
}
