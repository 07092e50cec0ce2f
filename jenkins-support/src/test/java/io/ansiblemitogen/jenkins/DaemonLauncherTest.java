package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Starts the fake daemon as a real separate process, exactly as the real one will be started. */
public class DaemonLauncherTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final List<Path> dirs = new ArrayList<>();

    static List<String> fakeCommand(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(Path.of(FakeDaemonMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        cmd.add(FakeDaemonMain.class.getName());
        return cmd;
    }

    private DaemonLauncher launcher(Path dir, Duration startTimeout, String... jvmOptions) throws Exception {
        dirs.add(dir);
        return new DaemonLauncher(new DaemonLauncher.Config(fakeCommand(jvmOptions), dir, 2, startTimeout,
                Duration.ofSeconds(5)));
    }

    /** Stops every daemon a test started: politely, then by its pid. */
    @After
    public void stopDaemons() throws Exception {
        for (Path dir : dirs) {
            stop(dir);
        }
    }

    static void stop(Path dir) throws Exception {
        try (EngineClient c = EngineClient.connect(SocketDir.socket(dir), Duration.ofSeconds(2))) {
            c.request("shutdown", null);
        } catch (IOException ignored) {
            // not running
        }
        Path pid = dir.resolve("fake.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
        }
    }

    @Test
    public void theDaemonRunsWithTheEnginesJvmOptionsBeforeTheJar() {
        DaemonLauncher.Config cfg = DaemonLauncher.Config.forJar(Path.of("/opt/engine.jar"),
                tmp.getRoot().toPath(), 5);
        List<String> cmd = cfg.command();
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), cmd.get(0));
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", "/opt/engine.jar"),
                cmd.subList(1, cmd.size()));
    }

    @Test
    public void startsOnceThenReusesTheRunningDaemon() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("d");
        DaemonLauncher.Launch first = launcher(dir, Duration.ofSeconds(30)).ensureRunning();
        assertTrue(first.started());
        assertEquals("fake-1", first.engine().engineVersion());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        DaemonLauncher.Launch second = launcher(dir, Duration.ofSeconds(30)).ensureRunning();
        assertFalse(second.started());
        assertTrue(Files.readString(dir.resolve(DaemonLauncher.LOG_NAME)).contains("fake daemon starting with [daemon,"
                + " --socket-dir, " + dir + ", --idle-timeout, 2]"));
    }

    @Test
    public void parallelStagesStartOnlyOneDaemon() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("p");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<DaemonLauncher.Launch>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                DaemonLauncher l = launcher(dir, Duration.ofSeconds(30));
                results.add(pool.submit((Callable<DaemonLauncher.Launch>) l::ensureRunning));
            }
            int started = 0;
            for (Future<DaemonLauncher.Launch> f : results) {
                started += f.get().started() ? 1 : 0;
            }
            assertEquals(1, started);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aStaleSocketIsReplaced() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("s");
        SocketDir.ensurePrivate(dir);
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(SocketDir.socket(dir)));
        dead.close();
        assertTrue(launcher(dir, Duration.ofSeconds(30)).ensureRunning().started());
    }

    @Test
    public void aDaemonThatDiesAtStartIsReportedWithItsLog() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("f");
        IOException e = assertThrows(IOException.class,
                () -> launcher(dir, Duration.ofSeconds(30), "-Dfake.fail=true").ensureRunning());
        assertTrue(e.getMessage(), e.getMessage().contains("exited with status 3"));
        assertTrue(e.getMessage(), e.getMessage().contains("cannot bind: address family not supported (simulated)"));
    }

    @Test
    public void aDaemonTooSlowToServeIsStoppedAndReported() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("t");
        IOException e = assertThrows(IOException.class,
                () -> launcher(dir, Duration.ofMillis(1500), "-Dfake.startDelayMs=20000").ensureRunning());
        assertTrue(e.getMessage(), e.getMessage().contains("did not serve"));
        long pid = Long.parseLong(Files.readString(dir.resolve("fake.pid")).strip());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    public void refusesASocketDirectoryOthersCanEnter() throws Exception {
        Path dir = tmp.newFolder("open").toPath();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        IOException e = assertThrows(IOException.class, () -> launcher(dir, Duration.ofSeconds(5)).ensureRunning());
        assertTrue(e.getMessage(), e.getMessage().contains("chmod 700 " + dir));
        assertFalse(Files.exists(dir.resolve("engine.sock")));
    }
}
