package io.ansiblemitogen.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PLAY RECAP of ansible-playbook's default output, summed over hosts. */
record Recap(int hostsOk, int hostsFailed, int hostsUnreachable, int tasksOk) {
    private static final Pattern LINE = Pattern.compile(
            "^(\\S+)\\s+:\\s+ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+).*$", Pattern.MULTILINE);

    static Recap parse(String output) {
        int recapAt = output.lastIndexOf("PLAY RECAP");
        if (recapAt < 0) {
            return new Recap(0, 0, 0, 0);
        }
        Matcher m = LINE.matcher(output.substring(recapAt));
        int ok = 0;
        int failed = 0;
        int unreachable = 0;
        int tasks = 0;
        while (m.find()) {
            int u = Integer.parseInt(m.group(4));
            int f = Integer.parseInt(m.group(5));
            tasks += Integer.parseInt(m.group(2));
            if (u > 0) {
                unreachable++;
            } else if (f > 0) {
                failed++;
            } else {
                ok++;
            }
        }
        return new Recap(ok, failed, unreachable, tasks);
    }
}
