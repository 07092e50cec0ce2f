package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PluginPathResolverTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void asksTheCliAndChecksOurStrategiesAreThere() throws Exception {
        Path dir = PluginPathResolver.resolve(DaemonLauncherTest.fakeCommand(), Duration.ofSeconds(60));
        assertTrue(Files.isRegularFile(dir.resolve("mitogen_linear.py")));
        assertEquals(dir, PluginPathResolver.resolve(DaemonLauncherTest.fakeCommand(), Duration.ofSeconds(60)));
    }

    @Test
    public void aDirectoryWithoutOurStrategiesIsRefused() throws IOException {
        Path dir = tmp.newFolder("plugins").toPath();
        Files.writeString(dir.resolve("mitogen_linear.py"), "");
        IOException e = assertThrows(IOException.class, () -> PluginPathResolver.checkStrategies(dir));
        assertTrue(e.getMessage(), e.getMessage().contains("holds no mitogen_free.py"));
    }

    @Test
    public void aFailingCliIsReported() throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(DaemonLauncherTest.fakeCommand());
        cmd.add(cmd.size() - 1, "-Dx=1"); // a different command, so nothing is cached
        cmd.set(cmd.size() - 1, "no.such.MainClass");
        IOException e = assertThrows(IOException.class, () -> PluginPathResolver.resolve(cmd, Duration.ofSeconds(60)));
        assertTrue(e.getMessage(), e.getMessage().contains("failed with status"));
    }
}
