package io.ansiblemitogen.testkit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

public class ResultComparatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResultComparator cmp = new ResultComparator(ResultNormaliser.standard(), "stock", "engine");

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static RunResult run(Map<String, String> placeholders, TaskResult... tasks) {
        return new RunResult(0, false, Duration.ZERO, "", "", List.of(tasks),
                Map.of("h1", new HostStats(tasks.length, 0, 0, 0, 0, 0, 0)), placeholders);
    }

    private static RunResult run(TaskResult... tasks) {
        return run(Map.of(), tasks);
    }

    private static TaskResult task(String name, String result) {
        return new TaskResult("play", name, "command", "h1", "changed", false, false, json(result));
    }

    @Test
    public void identicalRunsHaveNoDifference() {
        String r = "{'rc': 0, 'stdout': 'a', 'invocation': {'module_args': {'_raw_params': 'echo a'}}}";
        assertEquals(List.of(), cmp.compare(run(task("t", r)), run(task("t", r))));
    }

    @Test
    public void plantedDifferenceIsReportedReadably() {
        List<String> d = cmp.compare(run(task("copy a file", "{'stdout': 'a'}")),
                run(task("copy a file", "{'stdout': 'b'}")));
        assertEquals(List.of("task 'copy a file' on host h1: field stdout: 'a' vs 'b'"), d);
    }

    @Test
    public void timingsAreIgnoredButRcIsNot() {
        RunResult a = run(task("t", "{'rc': 0, 'start': '2024-01-01 10:00:00.1', 'end': '2024-01-01 10:00:00.2',"
                + " 'delta': '0:00:00.1'}"));
        RunResult b = run(task("t", "{'rc': 1, 'start': '2025-01-01 10:00:00.1', 'end': '2025-01-01 10:00:00.9',"
                + " 'delta': '0:00:00.8'}"));
        assertEquals(List.of("task 't' on host h1: field rc: 0 vs 1"), cmp.compare(a, b));
    }

    @Test
    public void aLoneStartKeyIsStillCompared() {
        List<String> d = cmp.compare(run(task("t", "{'start': 'x'}")), run(task("t", "{'start': 'y'}")));
        assertEquals(1, d.size());
    }

    @Test
    public void throwawayPathsAndTempNamesAreIgnored() {
        RunResult a = run(Map.of("/tmp/tkw-aaaaaaaa", "<WORK_DIR>"), task("t",
                "{'dest': '/tmp/tkw-aaaaaaaa/f', 'src': '/root/.ansible/tmp/ansible-tmp-1700000000.1-12-345/source',"
                        + " 'invocation': {'module_args': {'_original_basename': 'tmpab_cd12z'}}}"));
        RunResult b = run(Map.of("/tmp/tkw-bbbbbbbb", "<WORK_DIR>"), task("t",
                "{'dest': '/tmp/tkw-bbbbbbbb/f', 'src': '/root/.ansible/tmp/ansible-tmp-1700000999.5-99-777/source',"
                        + " 'invocation': {'module_args': {'_original_basename': 'tmpzz9_8765'}}}"));
        assertEquals(List.of(), cmp.compare(a, b));
    }

    @Test
    public void invocationIsCompared() {
        List<String> d = cmp.compare(run(task("t", "{'invocation': {'module_args': {'mode': '0644'}}}")),
                run(task("t", "{'invocation': {'module_args': {'mode': '0600'}}}")));
        assertEquals(List.of("task 't' on host h1: field invocation.module_args.mode: '0644' vs '0600'"), d);
    }

    @Test
    public void internalKeysAreIgnoredButMissingVisibleKeysAreNot() {
        RunResult a = run(task("t", "{'_ansible_no_log': false, 'changed': true}"));
        RunResult b = run(task("t", "{'_ansible_verbose_override': true, 'changed': true, 'msg': 'x'}"));
        assertEquals(List.of("task 't' on host h1: field msg: only in the engine run: 'x'"), cmp.compare(a, b));
    }

    @Test
    public void volatileFactsAreIgnoredStableOnesCompared() {
        RunResult a = run(task("Gathering Facts", "{'ansible_facts': {'ansible_date_time': {'epoch': '1'},"
                + " 'ansible_uptime_seconds': 5, 'ansible_interfaces': ['lo', 'eth0'], 'ansible_distribution': 'Debian',"
                + " 'ansible_env': {'SSH_CLIENT': '127.0.0.1 40000 22'}}}"));
        RunResult b = run(task("Gathering Facts", "{'ansible_facts': {'ansible_date_time': {'epoch': '2'},"
                + " 'ansible_uptime_seconds': 6, 'ansible_interfaces': ['eth0', 'lo'], 'ansible_distribution': 'Ubuntu',"
                + " 'ansible_env': {'SSH_CLIENT': '127.0.0.1 40002 22'}}}"));
        assertEquals(List.of("task 'Gathering Facts' on host h1: field ansible_facts.ansible_distribution:"
                + " 'Debian' vs 'Ubuntu'"), cmp.compare(a, b));
    }

    @Test
    public void statTimesAreIgnoredSizeIsNot() {
        RunResult a = run(task("s", "{'stat': {'exists': true, 'mtime': 1.5, 'inode': 10, 'size': 3}}"));
        RunResult b = run(task("s", "{'stat': {'exists': true, 'mtime': 2.5, 'inode': 11, 'size': 4}}"));
        assertEquals(List.of("task 's' on host h1: field stat.size: 3 vs 4"), cmp.compare(a, b));
    }

    @Test
    public void loopItemsAreComparedByIndex() {
        RunResult a = run(task("l", "{'results': [{'stdout': 'x', 'start': 's', 'end': 'e', 'delta': 'd'},"
                + " {'stdout': 'y'}]}"));
        RunResult b = run(task("l", "{'results': [{'stdout': 'x', 'start': 's2', 'end': 'e2', 'delta': 'd2'},"
                + " {'stdout': 'z'}]}"));
        assertEquals(List.of("task 'l' on host h1: field results[1].stdout: 'y' vs 'z'"), cmp.compare(a, b));
    }

    @Test
    public void missingTaskStatusExitCodeAndRecapAreReported() {
        RunResult a = new RunResult(0, false, Duration.ZERO, "", "", List.of(task("t1", "{}"), task("t2", "{}")),
                Map.of("h1", new HostStats(2, 2, 0, 0, 0, 0, 0)), Map.of());
        TaskResult failed = new TaskResult("play", "t1", "command", "h1", "failed", false, false, json("{}"));
        RunResult b = new RunResult(2, false, Duration.ZERO, "", "", List.of(failed),
                Map.of("h1", new HostStats(0, 0, 1, 0, 0, 0, 0)), Map.of());
        List<String> d = cmp.compare(a, b);
        assertTrue(d.toString(), d.contains("exit code: 0 vs 2"));
        assertTrue(d.toString(), d.contains("task 't1' on host h1: status: changed vs failed"));
        assertTrue(d.toString(), d.stream().anyMatch(s -> s.startsWith("host h1: tasks differ: 2 vs 1 results;")
                && s.contains("'t2' in the stock run, (end) in the engine run")));
        assertTrue(d.toString(), d.contains("recap of host h1: ok=2 vs ok=0"));
        assertTrue(d.toString(), d.contains("recap of host h1: failed=0 vs failed=1"));
    }

    @Test
    public void longStringsAreCutAroundTheFirstDifference() {
        String a = "x".repeat(500) + "A" + "y".repeat(500);
        String b = "x".repeat(500) + "B" + "y".repeat(500);
        String msg = ResultComparator.textDiff(a, b);
        assertTrue(msg, msg.startsWith("differ at character 500: "));
        assertTrue(msg, msg.length() < 300);
    }

    @Test
    public void extraStringRuleApplies() {
        ResultComparator custom = new ResultComparator(
                ResultNormaliser.standard().withStringRule("/var/tmp/engine-[0-9]+", "<engine tmp>"), "a", "b");
        assertEquals(List.of(), custom.compare(run(task("t", "{'src': '/var/tmp/engine-1/x'}")),
                run(task("t", "{'src': '/var/tmp/engine-22/x'}"))));
    }
}
