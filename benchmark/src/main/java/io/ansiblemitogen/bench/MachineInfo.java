package io.ansiblemitogen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ansiblemitogen.testkit.Procs;

/** The machine and tool versions a run was made on, for the report. */
final class MachineInfo {
    private MachineInfo() {
    }

    static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        m.put("memory", memTotal());
        m.put("OS", "Debian " + read("/etc/debian_version").strip() + ", Linux " + System.getProperty("os.version"));
        m.put("load average at start", loadAverage());
        return m;
    }

    static Map<String, String> versions(Path repo) {
        Map<String, String> v = new LinkedHashMap<>();
        String head = cmd(List.of("git", "-C", repo.toString(), "log", "-1", "--format=%h %cd", "--date=iso")).strip();
        String dirty = cmd(List.of("git", "-C", repo.toString(), "status", "--porcelain", "--untracked-files=no")).strip();
        v.put("this repository", head + (dirty.isEmpty() ? "" : " (with local changes)"));
        String ansible = cmd(List.of("ansible-playbook", "--version"));
        v.put("ansible-core", firstLine(ansible));
        v.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        v.put("OpenSSH", firstLine(cmd(List.of("ssh", "-V"))));
        // the controller's Python is ansible-playbook's, which need not be the python3 first on PATH
        v.put("Python (controller)", pythonOf(ansible));
        return v;
    }

    static String loadAverage() {
        String[] f = read("/proc/loadavg").split(" ");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
    }

    private static String cpuModel() {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "?";
    }

    private static String memTotal() {
        for (String line : read("/proc/meminfo").split("\n")) {
            if (line.startsWith("MemTotal:")) {
                long kb = Long.parseLong(line.replaceAll("\\D", ""));
                return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
            }
        }
        return "?";
    }

    private static String cmd(List<String> argv) {
        try {
            Procs.Output o = Procs.run(argv, null, 30);
            return o.stdout() + o.stderr();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** "3.11.2 (/usr/bin/python3)" from ansible-playbook --version's "python version = ..." line. */
    static String pythonOf(String versionOutput) {
        for (String line : versionOutput.split("\n")) {
            String t = line.strip();
            if (t.startsWith("python version = ")) {
                String v = t.substring("python version = ".length());
                int sp = v.indexOf(' ');
                int paren = v.lastIndexOf('(');
                return (sp > 0 ? v.substring(0, sp) : v) + (paren > 0 ? " " + v.substring(paren) : "");
            }
        }
        return "?";
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "?";
        }
    }
}
