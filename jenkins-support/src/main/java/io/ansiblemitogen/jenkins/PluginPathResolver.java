package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Asks the CLI where it extracted the Ansible strategy plugins ({@code ... plugin-path}). The answer depends only
 * on the jar, so it is remembered per jar for the life of this JVM (as long as the directory exists).
 */
public final class PluginPathResolver {
    private static final Map<List<String>, Path> CACHE = new ConcurrentHashMap<>();

    private PluginPathResolver() {
    }

    public static Path resolve(List<String> cliCommand, Duration timeout) throws IOException, InterruptedException {
        Path cached = CACHE.get(cliCommand);
        if (cached != null && Files.isDirectory(cached)) {
            return cached;
        }
        List<String> argv = new ArrayList<>(cliCommand);
        argv.add("plugin-path");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", argv) + "' did not finish within "
                        + timeout.toSeconds() + " s");
            }
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroy();
        }
        if (p.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", argv) + "' failed with status " + p.exitValue() + ": "
                    + out.strip());
        }
        Path dir = lastLine(out);
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("'" + String.join(" ", argv) + "' printed no plugin directory: " + out.strip());
        }
        checkStrategies(dir);
        CACHE.put(List.copyOf(cliCommand), dir);
        return dir;
    }

    /**
     * Ansible quietly takes a strategy of the same name from elsewhere when ours is missing: Debian's
     * ansible-mitogen package installs Mitogen's own mitogen_linear.py into Ansible's strategy directory, and the
     * run would then bypass the engine without a word. So a directory without our strategies is an error.
     */
    static void checkStrategies(Path dir) throws IOException {
        for (Strategy s : Strategy.values()) {
            if (!Files.isRegularFile(dir.resolve(s.pluginName() + ".py"))) {
                throw new IOException("the strategy plugin directory " + dir + " holds no " + s.pluginName()
                        + ".py; this CLI jar was built without the Ansible plugin (refusing to run, as Ansible"
                        + " could silently pick another " + s.pluginName() + " and bypass the engine)");
            }
        }
    }

    static Path lastLine(String out) {
        String[] lines = out.strip().split("\r?\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? null : Path.of(last);
    }
}
