package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.ShellWords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads ssh_config files as ssh does after its command line: {@code ~/.ssh/config}, then
 * {@code /etc/ssh/ssh_config} (or only the {@code -F} file), each line applying to the target when it is outside
 * any block or in a {@code Host} block whose patterns match the host name Ansible connects to; first value wins
 * throughout. {@code Match} blocks are skipped (their conditions cannot all be evaluated here) and
 * {@code Include} is not followed.
 */
final class SshConfigFiles {
    private SshConfigFiles() {
    }

    static void apply(SshOptions o, String host, List<Path> files) {
        for (Path f : files) {
            if (f.toString().equals("/dev/null") || !Files.isRegularFile(f)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                o.configNote("cannot read " + f + ": " + e.getMessage()); // ssh, too, goes on without it
                continue;
            }
            boolean active = true;
            int n = 0;
            for (String raw : lines) {
                n++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split("[\\s=]+", 2);
                String key = kv[0].toLowerCase(Locale.ROOT);
                String rest = kv.length > 1 ? kv[1].strip() : "";
                switch (key) {
                    case "host" -> active = hostMatches(rest, host);
                    case "match" -> active = rest.equalsIgnoreCase("all");
                    case "include" -> {
                        // not followed
                    }
                    default -> {
                        if (active) {
                            o.configLine(line, f + " line " + n);
                        }
                    }
                }
            }
        }
    }

    /** ssh's Host patterns: globs with * and ?, {@code !pattern} excludes; case-insensitive. */
    static boolean hostMatches(String patterns, String host) {
        boolean matched = false;
        for (String p : ShellWords.splitLikeShlex(patterns)) {
            boolean negated = p.startsWith("!");
            String glob = negated ? p.substring(1) : p;
            if (glob(glob).matcher(host.toLowerCase(Locale.ROOT)).matches()) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
