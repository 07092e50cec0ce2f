package io.ansiblemitogen.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A module's unhandled-exception traceback names where the module code was loaded from and the frames of
 * whatever started it: stock Ansible runs a wrapper script from stdin and unpacks a ZIP into a temp dir, the engine
 * imports from RAM. Those frames differ by design; the module's own frames (paths from {@code ansible/} or
 * {@code ansible_collections/} on), their source lines and the exception itself must not.
 */
final class TracebackNormaliser {
    static final String HEADER = "Traceback (most recent call last):";
    private static final Pattern FRAME = Pattern.compile("^  File \"([^\"]*)\", line ([0-9]+), in (.*)$");
    private static final Pattern MODULE_PATH = Pattern.compile("(?:^|/)((?:ansible|ansible_collections)/.*)$");

    private TracebackNormaliser() {
    }

    static String normalise(String s) {
        if (!s.contains(HEADER)) {
            return s;
        }
        String[] lines = s.split("\n", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher f = FRAME.matcher(lines[i]);
            if (!f.matches()) {
                out.add(lines[i]);
                continue;
            }
            boolean hasSource = i + 1 < lines.length && lines[i + 1].startsWith("    ");
            Matcher m = MODULE_PATH.matcher(f.group(1));
            if (m.find()) {
                out.add("  File \"<module>/" + m.group(1) + "\", line " + f.group(2) + ", in " + f.group(3));
                if (hasSource) {
                    out.add(lines[++i]);
                }
            } else if (hasSource) {
                i++; // a launcher frame (wrapper, runpy, engine): dropped with its source line
            }
        }
        return String.join("\n", out);
    }
}
