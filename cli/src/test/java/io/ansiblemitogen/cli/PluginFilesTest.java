package io.ansiblemitogen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The path users write into ansible.cfg survives an upgrade: {@code current} follows the newest plugin. */
public class PluginFilesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void currentFollowsTheNewestPluginUnderOneName() throws Exception {
        Path base = tmp.getRoot().toPath();
        Path old = Files.createDirectories(base.resolve("plugin-00000000000000aa/strategy")).getParent();
        Path upgraded = Files.createDirectories(base.resolve("plugin-00000000000000bb/strategy")).getParent();
        Files.writeString(old.resolve("strategy/mitogen_linear.py"), "old");
        Files.writeString(upgraded.resolve("strategy/mitogen_linear.py"), "new");

        Path first = PluginFiles.linkCurrent(base, old);
        assertEquals(base.resolve("current"), first);
        assertEquals("old", Files.readString(first.resolve("strategy/mitogen_linear.py")));

        Path second = PluginFiles.linkCurrent(base, upgraded);
        assertEquals(first, second);
        assertEquals("new", Files.readString(second.resolve("strategy/mitogen_linear.py")));
        // The old digest directory stays for a daemon that runs from it.
        assertTrue(Files.isDirectory(old.resolve("strategy")));
        // A relative link: the cache can move (a new HOME) and the link still points inside it.
        assertEquals(Path.of("plugin-00000000000000bb"), Files.readSymbolicLink(second));
        assertEquals(second, PluginFiles.linkCurrent(base, upgraded));
        try (Stream<Path> s = Files.list(base)) {
            assertTrue("no temporary link left", s.noneMatch(p -> p.getFileName().toString().startsWith(".current")));
        }
    }
}
