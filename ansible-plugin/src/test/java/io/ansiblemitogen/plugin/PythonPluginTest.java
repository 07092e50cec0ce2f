package io.ansiblemitogen.plugin;

import static org.junit.Assert.assertEquals;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * Runs the plugin's Python tests (src/test/python) with the interpreter that runs ansible-playbook, so that
 * {@code mvn verify} covers them: AnsiballZ parsing against wrappers the installed ansible-core builds, command
 * unwrapping against its own become plugins, and real playbook runs through the strategy against a fake engine.
 */
public class PythonPluginTest {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path PY_TESTS = MODULE.resolve("src/test/python");

    @Test
    public void pythonUnitTestsPass() throws Exception {
        String python = ansiblePython();
        assumeTrue("ansible-playbook is not installed", python != null);
        Path log = Files.createTempFile("plugin-python-tests", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(python, "-m", "unittest", "discover", "-s", PY_TESTS.toString(),
                    "-p", "test_*.py", "-v")
                    .directory(PY_TESTS.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("python tests did not finish in 10 minutes:\n" + tail(log));
            }
            assertEquals("python tests failed:\n" + tail(log), 0, p.exitValue());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The interpreter in ansible-playbook's shebang (a pyenv python3 on PATH may not have ansible). */
    static String ansiblePython() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path ap = Path.of(dir, "ansible-playbook");
            if (Files.isRegularFile(ap)) {
                List<String> lines = Files.readAllLines(ap, StandardCharsets.ISO_8859_1);
                if (!lines.isEmpty() && lines.get(0).startsWith("#!")) {
                    String[] words = lines.get(0).substring(2).trim().split("\\s+");
                    return words[0].endsWith("/env") && words.length > 1 ? words[1] : words[0];
                }
            }
        }
        return null;
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.length() > 20000 ? s.substring(s.length() - 20000) : s;
    }
}
