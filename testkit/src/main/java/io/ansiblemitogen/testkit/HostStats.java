package io.ansiblemitogen.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** One host's line of the play recap. */
public record HostStats(int ok, int changed, int failures, int skipped, int unreachable, int rescued, int ignored) {

    static HostStats of(JsonNode s) {
        return new HostStats(s.path("ok").asInt(), s.path("changed").asInt(), s.path("failures").asInt(),
                s.path("skipped").asInt(), s.path("unreachable").asInt(), s.path("rescued").asInt(),
                s.path("ignored").asInt());
    }

    /** Field name to count, in recap order: what the comparator walks. */
    public Map<String, Integer> asMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("ok", ok);
        m.put("changed", changed);
        m.put("unreachable", unreachable);
        m.put("failed", failures);
        m.put("skipped", skipped);
        m.put("rescued", rescued);
        m.put("ignored", ignored);
        return m;
    }
}
