package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one ansible-playbook run produced: exit code, the human output, and every task result and recap line
 * in the order Ansible reported them.
 *
 * @param placeholders run-specific strings (a throwaway directory's path...) mapped to the stable names the
 *                     comparator puts in their place, so two runs with different throwaway paths compare equal
 */
public record RunResult(int exitCode, boolean timedOut, Duration duration, String stdout, String stderr,
                        List<TaskResult> tasks, Map<String, HostStats> recap, Map<String, String> placeholders) {

    /** Results may hold module arguments of any size (LargePayloadTest: 60 MB); Jackson's default stops at 20 MB. */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE).build()).build());

    public RunResult {
        tasks = List.copyOf(tasks);
        recap = Collections.unmodifiableMap(new LinkedHashMap<>(recap));
        placeholders = Collections.unmodifiableMap(new LinkedHashMap<>(placeholders));
    }

    /** Reads the JSON lines the test kit's callback wrote. A missing file means no task ever reported. */
    static RunResult parse(int exitCode, boolean timedOut, Duration duration, String stdout, String stderr,
                           Path resultsFile, Map<String, String> placeholders) {
        List<TaskResult> tasks = new ArrayList<>();
        Map<String, HostStats> recap = new LinkedHashMap<>();
        try {
            if (Files.exists(resultsFile)) {
                for (String line : Files.readAllLines(resultsFile)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = JSON.readTree(line);
                    if ("stats".equals(n.path("type").asText())) {
                        recap.put(n.path("host").asText(), HostStats.of(n.path("stats")));
                    } else {
                        tasks.add(new TaskResult(n.path("play").asText(), n.path("task").asText(),
                                n.path("action").asText(), n.path("host").asText(), n.path("status").asText(),
                                n.path("ignore_errors").asBoolean(), n.path("handler").asBoolean(),
                                n.path("result")));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read task results " + resultsFile, e);
        }
        return new RunResult(exitCode, timedOut, duration, stdout, stderr, tasks, recap, placeholders);
    }

    /** Results of the task with this name, on every host, in reporting order. */
    public List<TaskResult> task(String name) {
        return tasks.stream().filter(t -> t.task().equals(name)).collect(Collectors.toList());
    }

    /** The only result of the named task on the named host; fails if there is not exactly one. */
    public TaskResult task(String name, String host) {
        List<TaskResult> found = tasks.stream().filter(t -> t.task().equals(name) && t.host().equals(host))
                .collect(Collectors.toList());
        if (found.size() != 1) {
            throw new AssertionError("expected one result of task '" + name + "' on " + host + ", found "
                    + found.size() + "\n" + describe());
        }
        return found.get(0);
    }

    /** Exit code, tasks and the end of the output: for assertion messages. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("exit code ").append(exitCode).append(timedOut ? " (timed out)" : "")
                .append(", ").append(tasks.size()).append(" task results, ").append(duration.toMillis())
                .append(" ms\n");
        b.append("--- stdout (tail) ---\n").append(tail(stdout, 6000));
        b.append("--- stderr (tail) ---\n").append(tail(stderr, 3000));
        return b.toString();
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
