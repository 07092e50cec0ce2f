package io.ansiblemitogen.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a task's duration from the summary of Ansible's profile_tasks callback ({@code NAME ---- 12.34s}). */
final class ProfileTasks {
    private ProfileTasks() {
    }

    /** Seconds the named task took (summed if it ran more than once), or 0 if the summary does not list it. */
    static double seconds(String output, String task) {
        Matcher m = Pattern.compile("^" + Pattern.quote(task) + " -+ (\\d+(?:\\.\\d+)?)s\\s*$", Pattern.MULTILINE)
                .matcher(output);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
