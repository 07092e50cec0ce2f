package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.cli.EmbeddedEngine;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.testkit.CorpusRunner;
import io.ansiblemitogen.testkit.Inventory;
import io.ansiblemitogen.testkit.Mode;
import io.ansiblemitogen.testkit.RunResult;
import io.ansiblemitogen.testkit.SshdFixture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * A {@code copy} or {@code template} task costs at most 2 round trips on the wire per file (docs/architecture.md,
 * "Round trips of a copy"): counted as the replies the engine waited for from the target's interpreters, per task,
 * over real SSH. The same tasks with deferral off (the plugin's {@code ANSIBLE_MITOGEN_DEFER_COMMANDS=0}) show what
 * it saves, and nothing is left in the target's remote_tmp either way.
 */
public class CopyRoundTripsTest {
    @ClassRule
    public static final SshdFixture SSHD = new SshdFixture();

    private static final Path PLAYBOOKS = Path.of(System.getProperty("basedir", "."),
            "src/test/resources/engine/roundtrips");
    private static Path destDir;
    private static Path offDestDir;
    private static Path remoteTmp;
    private static CorpusRunner runner;
    private static EmbeddedEngine engine;

    @BeforeClass
    public static void start() throws IOException {
        destDir = Files.createTempDirectory(Path.of("/tmp"), "amrtd-");
        offDestDir = Files.createTempDirectory(Path.of("/tmp"), "amrto-");
        remoteTmp = Files.createTempDirectory(Path.of("/tmp"), "amrtt-");
        Files.setPosixFilePermissions(destDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(offDestDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        runner = new CorpusRunner();
        engine = new EmbeddedEngine();
    }

    @AfterClass
    public static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    public void copyAndTemplateCostAtMostTwoRoundTripsPerFile() throws Exception {
        Mode mode = EngineMode.of(engine);
        run("warmup.yml", mode, destDir);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String pb : List.of("copy_content.yml", "copy_file.yml", "template.yml", "copy_unchanged.yml",
                "copy_three_files.yml")) {
            counts.put(pb, run(pb, mode, destDir));
        }
        Map<String, Long> stockLike = new LinkedHashMap<>();
        Mode off = mode.withEnv("ANSIBLE_MITOGEN_DEFER_COMMANDS", "0");
        for (String pb : List.of("copy_content.yml", "copy_file.yml", "template.yml", "copy_unchanged.yml")) {
            stockLike.put(pb, run(pb, off, offDestDir));
        }
        System.out.println("round trips per task, deferral on: " + counts + "; off: " + stockLike);

        assertTrue("copy content: " + counts, counts.get("copy_content.yml") <= 2);
        assertTrue("copy file: " + counts, counts.get("copy_file.yml") <= 2);
        assertTrue("template: " + counts, counts.get("template.yml") <= 2);
        assertTrue("copy, destination unchanged: " + counts, counts.get("copy_unchanged.yml") <= 2);
        // Three files, plus one module run that makes the destination directory.
        assertTrue("copy of a directory of 3 files: " + counts, counts.get("copy_three_files.yml") <= 3 * 2 + 1);
        assertTrue("deferral off must cost more, else the count proves nothing: " + stockLike,
                stockLike.get("copy_content.yml") > counts.get("copy_content.yml"));
        assertEquals("one file from content\n", Files.readString(offDestDir.resolve("content.txt")));

        assertEquals("one file from content\n", Files.readString(destDir.resolve("content.txt")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                destDir.resolve("content.txt"))));
        assertEquals("host target says HELLO\n", Files.readString(destDir.resolve("page.txt")));
        assertEquals(3, listing(destDir.resolve("tree")).size());
    }

    /** Runs one playbook; returns the round trips it cost on the target's connection. */
    private static long run(String playbook, Mode mode, Path dest) throws Exception {
        Inventory inv = Inventory.forFixture(SSHD, "target").hostVar("target", "ansible_remote_tmp",
                remoteTmp.toString()).var("dest_dir", dest.toString());
        long before = roundTrips();
        RunResult r = runner.run(PLAYBOOKS.resolve(playbook), inv, mode);
        assertEquals(playbook + " failed:\n" + r.describe(), 0, r.exitCode());
        long cost = roundTrips() - before;
        // The temp dir's removal is sent without waiting for it: it is done within moments.
        long deadline = System.currentTimeMillis() + 5000;
        while (!listing(remoteTmp).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("left in remote_tmp after " + playbook, List.of(), listing(remoteTmp));
        return cost;
    }

    private static long roundTrips() {
        return engine.engine().pool().snapshot().stream().mapToLong(TargetConnection::roundTrips).sum();
    }

    private static List<String> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
