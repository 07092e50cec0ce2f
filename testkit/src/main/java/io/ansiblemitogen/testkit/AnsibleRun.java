package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs {@code ansible-playbook} once and collects a {@link RunResult}.
 *
 * <p>The test kit's callback ({@link CallbackPlugin}) is set as the stdout callback: the console output stays
 * the default one (kept in {@link RunResult#stdout()} for debugging) and every task result is also written as a
 * JSON line to a file in the run directory. Output goes to files, never pipes, so a chatty run cannot block.
 */
public final class AnsibleRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path playbook;
    private List<String> command = List.of("ansible-playbook");
    private Path inventory;
    private final List<String> args = new ArrayList<>();
    private final Map<String, Object> extraVars = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> placeholders = new LinkedHashMap<>();
    private Path workDir;
    private Path runDir;
    private Duration timeout = Duration.ofMinutes(5);

    private AnsibleRun(Path playbook) {
        this.playbook = playbook.toAbsolutePath();
    }

    public static AnsibleRun playbook(Path playbook) {
        return new AnsibleRun(playbook);
    }

    /** The program and leading arguments; default {@code ansible-playbook} from PATH. */
    public AnsibleRun command(List<String> argv) {
        this.command = List.copyOf(argv);
        return this;
    }

    public AnsibleRun inventory(Path inventory) {
        this.inventory = inventory;
        return this;
    }

    /** Extra ansible-playbook arguments (-v, --check, --limit ...), placed before the playbook. */
    public AnsibleRun args(String... more) {
        this.args.addAll(List.of(more));
        return this;
    }

    /** An extra variable, passed as JSON with -e so no value needs quoting. */
    public AnsibleRun extraVar(String name, Object value) {
        this.extraVars.put(name, value);
        return this;
    }

    /**
     * An environment variable for ansible-playbook (on top of this JVM's environment). ANSIBLE_CALLBACK_PLUGINS
     * given here is kept: the test kit's directory is added to it.
     */
    public AnsibleRun env(String name, String value) {
        this.env.put(name, value);
        return this;
    }

    public AnsibleRun env(Map<String, String> vars) {
        this.env.putAll(vars);
        return this;
    }

    /** A run-specific string and the stable name the comparator shows instead (see {@link RunResult}). */
    public AnsibleRun placeholder(String actual, String stable) {
        this.placeholders.put(actual, stable);
        return this;
    }

    /** The working directory; default the playbook's directory. */
    public AnsibleRun workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** Where results and output files go; default a new temp directory. */
    public AnsibleRun runDir(Path dir) {
        this.runDir = dir;
        return this;
    }

    /** After this long the run and all its children are killed; default 5 minutes. */
    public AnsibleRun timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** The full argument vector this run will use. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>(command);
        if (inventory != null) {
            argv.add("-i");
            argv.add(inventory.toString());
        }
        if (!extraVars.isEmpty()) {
            try {
                argv.add("-e");
                argv.add(JSON.writeValueAsString(extraVars));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("extra vars are not JSON-serialisable", e);
            }
        }
        argv.addAll(args);
        argv.add(playbook.toString());
        return argv;
    }

    public RunResult run() {
        try {
            Path dir = runDir != null ? Files.createDirectories(runDir) : Files.createTempDirectory("testkit-run-");
            Path results = dir.resolve("results.jsonl");
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            Files.deleteIfExists(results);
            ProcessBuilder pb = new ProcessBuilder(argv())
                    .directory((workDir != null ? workDir : playbook.getParent()).toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> e = pb.environment();
            e.put("ANSIBLE_NOCOLOR", "1");
            e.put("ANSIBLE_FORCE_COLOR", "0");
            e.put("ANSIBLE_RETRY_FILES_ENABLED", "false");
            e.put("ANSIBLE_STDOUT_CALLBACK", CallbackPlugin.NAME);
            e.putAll(env);
            String plugins = env.get("ANSIBLE_CALLBACK_PLUGINS");
            e.put("ANSIBLE_CALLBACK_PLUGINS", CallbackPlugin.dir() + (plugins == null ? "" : ":" + plugins));
            e.put(CallbackPlugin.RESULTS_FILE_ENV, results.toString());

            long started = System.nanoTime();
            Process p = pb.start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                Procs.killTree(p.toHandle());
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            int code = finished ? p.exitValue() : -1;
            return RunResult.parse(code, !finished, took, Files.readString(out), Files.readString(err), results,
                    placeholders);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + playbook, e);
        }
    }
}
