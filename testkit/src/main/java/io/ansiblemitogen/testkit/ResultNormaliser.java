package io.ansiblemitogen.testkit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Rewrites a task result so that what legitimately differs between two runs of the same playbook (clocks,
 * random temp names, the machine's changing state) no longer differs, and nothing else changes.
 *
 * <p>THE IGNORE LIST. Every rule is here, each with the reason it is legitimate. Keep it small: a rule hides
 * differences, and hiding a real one defeats the differential tests. {@code invocation} stays compared.
 */
public final class ResultNormaliser {
    /** What a hidden value is replaced with (the key stays, so a key missing on one side still shows). */
    public static final String MASKED = "<varies>";

    /** Replacements applied to every string value, in order. */
    private static final List<Map.Entry<Pattern, String>> STRING_RULES = List.of(
            // the remote temp dir is named after the clock, a pid and a random number: ansible-tmp-1700000000.12-345-678
            Map.entry(Pattern.compile("ansible-tmp-[0-9]+(?:\\.[0-9]+)?-[0-9]+-[0-9]+"), "ansible-tmp-<random>"),
            // the controller's temp dir (ansible-local-PID + random) and Python tempfile names inside it
            Map.entry(Pattern.compile("ansible-local-[0-9]+[A-Za-z0-9_]+(/tmp[A-Za-z0-9_]{6,})?"),
                    "ansible-local-<random>/tmp<random>"),
            // copy content=/template write a controller temp file and report its random name (_original_basename)
            Map.entry(Pattern.compile("^tmp[a-z0-9_]{8}$"), "tmp<random>"),
            // a module's traceback names the directory AnsiballZ unpacked it into: /tmp/ansible_ping_payload_RANDOM
            Map.entry(Pattern.compile("ansible_([A-Za-z0-9_.]+)_payload_[A-Za-z0-9_]{8}"),
                    "ansible_$1_payload_<random>"),
            // backup=yes names the backup after pid and clock: FILE.1234.2024-01-01@10:00:00~
            Map.entry(Pattern.compile("\\.[0-9]+\\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9]{2}:[0-9]{2}:[0-9]{2}~"),
                    ".<pid>.<time>~"));

    /** command/shell/script results: wall-clock times of the run (only where all three keys are present). */
    private static final Set<String> TIMING_KEYS = Set.of("start", "end", "delta");

    /** stat results: times and inode numbers of a file that was created afresh by each run. */
    private static final Set<String> STAT_VOLATILE = Set.of("atime", "mtime", "ctime", "inode", "version");

    /** file state=touch (and other state changes) put the old and new times into diff.before/diff.after. */
    private static final Set<String> DIFF_TIMES = Set.of("atime", "mtime");

    /** Facts that change by themselves from one second to the next (keys without their ansible_ prefix). */
    private static final Set<String> VOLATILE_FACTS = Set.of(
            "date_time", "uptime_seconds", "loadavg", "memfree_mb", "memory_mb", "swapfree_mb");

    /** Facts Ansible builds from a set, so their order is arbitrary: compared sorted. */
    private static final Set<String> UNORDERED_FACTS = Set.of(
            "interfaces", "all_ipv4_addresses", "all_ipv6_addresses",
            "virtualization_tech_guest", "virtualization_tech_host");

    /** Per mount: free space and inode counts move as anything on the machine writes. */
    private static final Set<String> MOUNT_VOLATILE = Set.of(
            "size_available", "block_available", "block_used", "inode_available", "inode_used");

    /** SSH_CLIENT / SSH_CONNECTION hold the client's ephemeral source port, new for every connection. */
    private static final Pattern SSH_CLIENT_PORT = Pattern.compile("^(\\S+) [0-9]+ ");

    private final List<Map.Entry<Pattern, String>> extraStringRules;

    private ResultNormaliser(List<Map.Entry<Pattern, String>> extra) {
        this.extraStringRules = List.copyOf(extra);
    }

    /** The standard rules only. */
    public static ResultNormaliser standard() {
        return new ResultNormaliser(List.of());
    }

    /**
     * A copy with one more string rule, for a caller whose runs differ in a way the standard list does not know
     * (say, an engine's own temp names). Say why where you call it.
     */
    public ResultNormaliser withStringRule(String regex, String replacement) {
        List<Map.Entry<Pattern, String>> more = new ArrayList<>(extraStringRules);
        more.add(Map.entry(Pattern.compile(regex), replacement));
        return new ResultNormaliser(more);
    }

    /**
     * A normalised deep copy of a result.
     *
     * @param placeholders the run's own throwaway strings (see {@link RunResult#placeholders()})
     */
    public JsonNode normalise(JsonNode result, Map<String, String> placeholders) {
        // longest first, so a path that contains another placeholder's path is replaced whole
        Map<String, String> ordered = new LinkedHashMap<>();
        placeholders.entrySet().stream()
                .sorted((a, b) -> b.getKey().length() - a.getKey().length())
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return walk(result.deepCopy(), ordered);
    }

    private JsonNode walk(JsonNode node, Map<String, String> placeholders) {
        if (node.isTextual()) {
            return TextNode.valueOf(rewrite(node.asText(), placeholders));
        }
        if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, walk(a.get(i), placeholders));
            }
            return a;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode o = (ObjectNode) node;
        // Ansible's own plumbing (_ansible_no_log, _ansible_verbose_override, _ansible_item_label...): how a
        // result travelled, not what the task did; the visible parts it controls are compared anyway
        for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
            if (it.next().startsWith("_ansible_")) {
                it.remove();
            }
        }
        if (o.has("start") && o.has("end") && o.has("delta")) {
            TIMING_KEYS.forEach(k -> o.put(k, MASKED));
        }
        // wait_for / wait_for_connection: whole seconds waited, 0 or 1 depending on timing
        if (o.path("elapsed").isNumber()) {
            o.put("elapsed", MASKED);
        }
        if (o.path("stat").isObject()) {
            ObjectNode stat = (ObjectNode) o.get("stat");
            STAT_VOLATILE.forEach(k -> {
                if (stat.has(k)) {
                    stat.put(k, MASKED);
                }
            });
        }
        JsonNode diff = o.path("diff");
        for (JsonNode d : diff.isArray() ? diff : List.of(diff)) {
            for (String side : List.of("before", "after")) {
                if (d.path(side).isObject()) {
                    ObjectNode state = (ObjectNode) d.get(side);
                    DIFF_TIMES.forEach(k -> {
                        if (state.has(k)) {
                            state.put(k, MASKED);
                        }
                    });
                }
            }
        }
        if (o.path("ansible_facts").isObject()) {
            facts((ObjectNode) o.get("ansible_facts"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            e.setValue(walk(e.getValue(), placeholders));
        }
        return o;
    }

    private static void facts(ObjectNode facts) {
        for (Iterator<Map.Entry<String, JsonNode>> it = facts.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().startsWith("ansible_") ? e.getKey().substring(8) : e.getKey();
            JsonNode v = e.getValue();
            if (VOLATILE_FACTS.contains(name)) {
                e.setValue(TextNode.valueOf(MASKED));
            } else if (UNORDERED_FACTS.contains(name) && v.isArray()) {
                List<JsonNode> items = new ArrayList<>();
                v.forEach(items::add);
                items.sort((a, b) -> a.toString().compareTo(b.toString()));
                ArrayNode sorted = JsonNodeFactory.instance.arrayNode();
                items.forEach(sorted::add);
                e.setValue(sorted);
            } else if (name.equals("mounts") && v.isArray()) {
                for (JsonNode m : v) {
                    if (m.isObject()) {
                        MOUNT_VOLATILE.forEach(k -> {
                            if (m.has(k)) {
                                ((ObjectNode) m).put(k, MASKED);
                            }
                        });
                    }
                }
            } else if (name.equals("env") && v.isObject()) {
                ObjectNode env = (ObjectNode) v;
                for (String k : List.of("SSH_CLIENT", "SSH_CONNECTION")) {
                    if (env.path(k).isTextual()) {
                        Matcher m = SSH_CLIENT_PORT.matcher(env.get(k).asText());
                        env.put(k, m.replaceFirst("$1 <port> "));
                    }
                }
                // A forwarded agent's socket: sshd makes a fresh random /tmp/ssh-XXXX/agent.PID per connection
                if (env.path("SSH_AUTH_SOCK").isTextual()) {
                    env.put("SSH_AUTH_SOCK", MASKED);
                }
            }
        }
    }

    private String rewrite(String s, Map<String, String> placeholders) {
        s = TracebackNormaliser.normalise(s);
        for (Map.Entry<String, String> p : placeholders.entrySet()) {
            if (!p.getKey().isEmpty()) {
                s = s.replace(p.getKey(), p.getValue());
            }
        }
        for (Map.Entry<Pattern, String> r : STRING_RULES) {
            s = r.getKey().matcher(s).replaceAll(r.getValue());
        }
        for (Map.Entry<Pattern, String> r : extraStringRules) {
            s = r.getKey().matcher(s).replaceAll(r.getValue());
        }
        return s;
    }
}
