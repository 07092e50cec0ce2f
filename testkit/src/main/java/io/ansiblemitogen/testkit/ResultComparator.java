package io.ansiblemitogen.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compares two runs of the same playbook, field by field, after {@link ResultNormaliser}, and describes every
 * difference in words: {@code task 'copy a file' on host h1: field stdout: 'a' vs 'b'}.
 *
 * <p>Compared: the exit code; for each host, the sequence of tasks that reported (play, task name, status,
 * ignore_errors, handler, action); each task result's fields, recursively; the play recap. Task results are
 * matched by play, task name, host and occurrence, so hosts interleaving differently is not a difference.
 */
public final class ResultComparator {
    private static final int MAX_SHOWN = 160;

    private final ResultNormaliser normaliser;
    private final String firstLabel;
    private final String secondLabel;

    public ResultComparator() {
        this(ResultNormaliser.standard(), "first", "second");
    }

    /** @param firstLabel,secondLabel names of the two runs in messages ("stock", "engine") */
    public ResultComparator(ResultNormaliser normaliser, String firstLabel, String secondLabel) {
        this.normaliser = normaliser;
        this.firstLabel = firstLabel;
        this.secondLabel = secondLabel;
    }

    /** Every difference, in a stable order; empty when the runs agree. */
    public List<String> compare(RunResult a, RunResult b) {
        List<String> diffs = new ArrayList<>();
        if (a.exitCode() != b.exitCode()) {
            diffs.add("exit code: " + a.exitCode() + " vs " + b.exitCode());
        }
        Map<Key, TaskResult> left = index(a.tasks());
        Map<Key, TaskResult> right = index(b.tasks());
        Set<String> hosts = new TreeSet<>();
        a.tasks().forEach(t -> hosts.add(t.host()));
        b.tasks().forEach(t -> hosts.add(t.host()));
        for (String host : hosts) {
            List<Key> ka = keysOf(left, host);
            List<Key> kb = keysOf(right, host);
            if (!ka.equals(kb)) {
                diffs.add("host " + host + ": tasks differ: " + sequenceDiff(ka, kb));
            }
        }
        for (Map.Entry<Key, TaskResult> e : left.entrySet()) {
            TaskResult ta = e.getValue();
            TaskResult tb = right.get(e.getKey());
            if (tb != null) {
                compareTask(e.getKey(), ta, tb, a.placeholders(), b.placeholders(), diffs);
            }
        }
        Set<String> recapHosts = new TreeSet<>(a.recap().keySet());
        recapHosts.addAll(b.recap().keySet());
        for (String host : recapHosts) {
            HostStats sa = a.recap().get(host);
            HostStats sb = b.recap().get(host);
            if (sa == null || sb == null) {
                diffs.add("recap of host " + host + ": only in the " + (sa == null ? secondLabel : firstLabel)
                        + " run");
                continue;
            }
            Map<String, Integer> ma = sa.asMap();
            Map<String, Integer> mb = sb.asMap();
            for (String f : ma.keySet()) {
                if (!ma.get(f).equals(mb.get(f))) {
                    diffs.add("recap of host " + host + ": " + f + "=" + ma.get(f) + " vs " + f + "=" + mb.get(f));
                }
            }
        }
        return diffs;
    }

    /** The differences as one message, or "" when there are none. */
    public String report(RunResult a, RunResult b) {
        List<String> d = compare(a, b);
        if (d.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(d.size() + " difference(s), " + firstLabel + " vs " + secondLabel + ":\n");
        d.stream().limit(60).forEach(line -> s.append("  ").append(line).append('\n'));
        if (d.size() > 60) {
            s.append("  ... and ").append(d.size() - 60).append(" more\n");
        }
        return s.toString();
    }

    private void compareTask(Key k, TaskResult ta, TaskResult tb, Map<String, String> pa, Map<String, String> pb,
                             List<String> diffs) {
        String where = "task '" + k.task + "'" + (k.occurrence > 0 ? " (#" + (k.occurrence + 1) + ")" : "")
                + " on host " + k.host + ": ";
        attr(diffs, where, "status", ta.status(), tb.status());
        attr(diffs, where, "ignore_errors", ta.ignoreErrors(), tb.ignoreErrors());
        attr(diffs, where, "handler", ta.handler(), tb.handler());
        attr(diffs, where, "action", ta.action(), tb.action());
        JsonNode na = normaliser.normalise(ta.result(), pa);
        JsonNode nb = normaliser.normalise(tb.result(), pb);
        diffJson(where, "", na, nb, diffs);
    }

    private static void attr(List<String> diffs, String where, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            diffs.add(where + name + ": " + a + " vs " + b);
        }
    }

    private void diffJson(String where, String path, JsonNode a, JsonNode b, List<String> diffs) {
        if (a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : new TreeSet<>(names)) {
                String p = path.isEmpty() ? n : path + "." + n;
                if (!a.has(n)) {
                    diffs.add(where + "field " + p + ": only in the " + secondLabel + " run: " + show(b.get(n)));
                } else if (!b.has(n)) {
                    diffs.add(where + "field " + p + ": only in the " + firstLabel + " run: " + show(a.get(n)));
                } else {
                    diffJson(where, p, a.get(n), b.get(n), diffs);
                }
            }
            return;
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                diffJson(where, path + "[" + i + "]", a.get(i), b.get(i), diffs);
            }
            return;
        }
        String label = path.isEmpty() ? "result" : "field " + path;
        if (a.isArray() && b.isArray()) {
            diffs.add(where + label + ": " + a.size() + " items vs " + b.size() + " items: " + show(a) + " vs "
                    + show(b));
        } else if (a.isTextual() && b.isTextual()) {
            diffs.add(where + label + ": " + textDiff(a.asText(), b.asText()));
        } else {
            diffs.add(where + label + ": " + show(a) + " vs " + show(b));
        }
    }

    /** Two strings side by side; long ones cut around their first difference. */
    static String textDiff(String a, String b) {
        if (a.length() <= MAX_SHOWN && b.length() <= MAX_SHOWN) {
            return quote(a) + " vs " + quote(b);
        }
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 40);
        return "differ at character " + i + ": " + excerpt(a, from) + " vs " + excerpt(b, from);
    }

    private static String excerpt(String s, int from) {
        int to = Math.min(s.length(), from + MAX_SHOWN / 2);
        return (from > 0 ? "..." : "") + quote(s.substring(Math.min(from, s.length()), to))
                + (to < s.length() ? "..." : "");
    }

    private static String quote(String s) {
        return "'" + s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'";
    }

    private static String show(JsonNode n) {
        String s = n.isTextual() ? quote(n.asText()) : n.toString();
        return s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "..." : s;
    }

    private String sequenceDiff(List<Key> a, List<Key> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        String ea = i < a.size() ? "'" + a.get(i).task + "'" : "(end)";
        String eb = i < b.size() ? "'" + b.get(i).task + "'" : "(end)";
        return a.size() + " vs " + b.size() + " results; from result #" + (i + 1) + ": " + ea + " in the "
                + firstLabel + " run, " + eb + " in the " + secondLabel + " run";
    }

    private static List<Key> keysOf(Map<Key, TaskResult> index, String host) {
        List<Key> keys = new ArrayList<>();
        for (Key k : index.keySet()) {
            if (k.host.equals(host)) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static Map<Key, TaskResult> index(List<TaskResult> tasks) {
        Map<Key, TaskResult> m = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (TaskResult t : tasks) {
            String base = t.play() + "\u0000" + t.task() + "\u0000" + t.host();
            int n = seen.merge(base, 1, Integer::sum) - 1;
            m.put(new Key(t.play(), t.task(), t.host(), n), t);
        }
        return m;
    }

    private record Key(String play, String task, String host, int occurrence) {
    }
}
