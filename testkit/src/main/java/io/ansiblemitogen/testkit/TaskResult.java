package io.ansiblemitogen.testkit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One task's result on one host, as the test kit's callback recorded it before any other callback touched it.
 *
 * @param status       ok, changed, failed, skipped or unreachable
 * @param ignoreErrors the task failed but had {@code ignore_errors}
 * @param result       the result dict the task returned (Ansible's internal {@code _ansible_*} keys included)
 */
public record TaskResult(String play, String task, String action, String host, String status,
                         boolean ignoreErrors, boolean handler, JsonNode result) {

    /** A result field by dotted path ({@code stat.exists}, {@code results.0.rc}); a missing node if absent. */
    public JsonNode field(String dottedPath) {
        JsonNode n = result;
        for (String part : dottedPath.split("\\.")) {
            n = part.matches("\\d+") && n.isArray() ? n.path(Integer.parseInt(part)) : n.path(part);
        }
        return n;
    }

    @Override
    public String toString() {
        return "task '" + task + "' on host " + host + " [" + status + "]";
    }
}
