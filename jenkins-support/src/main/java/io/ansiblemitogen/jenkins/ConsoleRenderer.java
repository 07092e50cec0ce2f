package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns ansible-playbook output into build-console lines: remote log records, which the strategy plugin prints
 * as {@code [mitogen:HOST] LEVEL logger: message}, become {@code [HOST] LEVEL logger: message}; every line has
 * known secrets masked. Text around a record (colour codes, a timestamp) is kept.
 */
public final class ConsoleRenderer implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern REMOTE = Pattern.compile(
            "\\[mitogen:([^\\]\\s]+)\\]\\s+([A-Z]+)\\s+([^\\s:]+):\\s?");

    private final SecretMasker masker;
    private long remoteLines;
    private long remoteProblems;

    public ConsoleRenderer(SecretMasker masker) {
        this.masker = masker;
    }

    public synchronized String render(String line) {
        String masked = masker.mask(line);
        Matcher m = REMOTE.matcher(masked);
        if (!m.find()) {
            return masked;
        }
        remoteLines++;
        String level = m.group(2);
        if (level.equals("WARNING") || level.equals("ERROR") || level.equals("CRITICAL")) {
            remoteProblems++;
        }
        return masked.substring(0, m.start()) + "[" + m.group(1) + "] " + level + " " + m.group(3) + ": "
                + masked.substring(m.end());
    }

    /** Remote log records seen so far. */
    public long remoteLines() {
        return remoteLines;
    }

    /** Of those, records at WARNING or above. */
    public long remoteProblems() {
        return remoteProblems;
    }
}
