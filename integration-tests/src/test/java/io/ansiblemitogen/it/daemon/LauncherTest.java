package io.ansiblemitogen.it.daemon;

import io.ansiblemitogen.testkit.Procs;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * What every CLI start pays for, in a copy of the launcher and jar in a tree of their own (with {@code true} for
 * ansible-playbook, and the plugin cache in the tree), so the repository's own archive and the user's cache are left alone:
 * the class-data archive (written by the first {@code playbook} run after a build, mapped by the next ones, replaced
 * after a rebuild, never written by other commands or when turned off, never a byte of JVM logging on stdout), and
 * the index that spares a run from opening the jar to find the extracted plugin.
 */
public class LauncherTest {
    private Path tree;
    private Path jar;

    @Before
    public void setUp() throws IOException {
        tree = Files.createTempDirectory("launcher-cds");
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("cli/target"));
        Path launcher = Files.copy(Cli.bin(), tree.resolve("bin/ansible-mitogen"));
        assertTrue(launcher.toFile().setExecutable(true));
        Path built;
        try (Stream<Path> s = Files.list(Cli.root().resolve("cli/target"))) {
            built = s.filter(p -> p.getFileName().toString().matches("ansible-mitogen-cli-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build the cli module first (mvn package)"));
        }
        jar = Files.copy(built, tree.resolve("cli/target").resolve(built.getFileName()));
    }

    @After
    public void tearDown() {
        Procs.deleteTree(tree);
    }

    @Test
    public void firstPlaybookRunWritesTheArchiveAndTheNextMapsIt() throws Exception {
        Procs.Output first = launch(Map.of(), "playbook", "site.yml");
        assertEquals(first.stderr(), 0, first.exitCode());
        assertEquals("no JVM logging on stdout", "", first.stdout());
        assertFalse("the archive's own warnings are not shown: " + first.stderr(), first.stderr().contains("[cds]"));
        List<String> archives = archives();
        assertEquals(archives.toString(), 1, archives.size());
        assertTrue(archives.get(0), archives.get(0).matches("engine-[0-9]+-[0-9]+-[0-9]+\\.jsa"));

        Path loadLog = tree.resolve("class-load.txt");
        Procs.Output second = launch(Map.of("ANSIBLE_MITOGEN_JAVA_OPTS", "-Xlog:class+load=info:file=" + loadLog),
                "playbook", "site.yml");
        assertEquals(second.stderr(), 0, second.exitCode());
        String loads = Files.readString(loadLog);
        assertTrue("the CLI's classes come from the archive",
                loads.contains("io.ansiblemitogen.cli.Main source: shared objects file (top)"));
        assertEquals("the mapping run writes nothing new", archives, archives());
    }

    @Test
    public void aRebuiltJarGetsAFreshArchiveAndTheOldOneGoes() throws Exception {
        assertEquals(0, launch(Map.of(), "playbook").exitCode());
        List<String> before = archives();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertEquals(0, launch(Map.of(), "playbook").exitCode());
        List<String> after = archives();
        assertEquals(after.toString(), 1, after.size());
        assertFalse("the archive of the old jar is gone", after.equals(before));
    }

    @Test
    public void otherCommandsAndTheSwitchWriteNoArchive() throws Exception {
        Procs.Output env = launch(Map.of(), "env");
        assertEquals(env.stderr(), 0, env.exitCode());
        assertTrue(env.stdout(), env.stdout().contains("ANSIBLE_STRATEGY"));
        assertEquals(0, launch(Map.of("ANSIBLE_MITOGEN_CDS", "0"), "playbook").exitCode());
        assertEquals(List.of(), archives());
    }

    @Test
    public void theExtractedPluginIsFoundThroughTheJarIndexAndReExtractedWhenGone() throws Exception {
        Path cache = tree.resolve(".cache/ansible-mitogen");
        Procs.Output first = launch(Map.of(), "env");
        assertEquals(first.stderr(), 0, first.exitCode());
        List<Path> indexes;
        try (Stream<Path> s = Files.list(cache.resolve("jars"))) {
            indexes = s.toList();
        }
        assertEquals(indexes.toString(), 1, indexes.size());
        Path plugin = cache.resolve(Files.readString(indexes.get(0)).strip());
        assertTrue(first.stdout(), first.stdout().contains(plugin.resolve("strategy").toString()));

        Procs.deleteTree(plugin);
        Procs.Output again = launch(Map.of(), "env");
        assertEquals(again.stderr(), 0, again.exitCode());
        assertEquals("the same plugin, extracted again", first.stdout(), again.stdout());
        assertTrue(Files.isRegularFile(plugin.resolve("strategy/mitogen_linear.py")));
    }

    private List<String> archives() throws IOException {
        Path dir = tree.resolve("cli/target/cds");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Procs.Output launch(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("ANSIBLE_MITOGEN_JAVA_OPTS", null);
        env.put("ANSIBLE_MITOGEN_CDS", null);
        env.put("ANSIBLE_MITOGEN_EMBEDDED", "1");
        env.put("ANSIBLE_MITOGEN_ANSIBLE_PLAYBOOK", "true");
        env.put("XDG_CACHE_HOME", tree.resolve(".cache").toString()); // where the plugin is unpacked
        env.putAll(extraEnv);
        return Cli.run(tree.resolve("bin/ansible-mitogen"), env, 60, args);
    }
}
