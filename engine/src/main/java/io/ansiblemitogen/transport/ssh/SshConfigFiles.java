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
 * {@code /etc/ssh/ssh_config} (or only the {@code -F} file), first value wins throughout. A line applies when it
 * is outside any block, or in a {@code Host} block whose patterns match the name ssh was given, or in a
 * {@code Match} block whose criteria all hold ({@link MatchLine}). {@code Include} reads files in place, in the
 * state of the block it appears in. When a {@code Match final} was seen, ssh reads everything a second time with
 * the final host name (HostName applied, lower case), and so does this.
 */
final class SshConfigFiles {
    /** ssh's limit on nested Include. */
    private static final int MAX_DEPTH = 16;

    /** One pass over the files: what {@code Host} and {@code Match} compare with. */
    record Pass(String hostArg, String hostName, boolean finalPass) {
    }

    private final SshOptions o;
    private final Pass pass;
    private boolean wantFinal;

    private SshConfigFiles(SshOptions o, Pass pass) {
        this.o = o;
        this.pass = pass;
    }

    /**
     * Applies {@code files} to {@code o} for the host name Ansible gives ssh.
     *
     * @param userFiles whether relative Include paths are under {@code ~/.ssh} (user and -F files) rather than
     *                  {@code /etc/ssh}, one flag per file
     */
    static void apply(SshOptions o, String host, List<Path> files, List<Boolean> userFiles) {
        SshConfigFiles first = new SshConfigFiles(o, new Pass(host, host, false));
        first.readAll(files, userFiles);
        if (first.wantFinal || o.canonicalizes()) {
            // ssh.c: the name after the first pass is HostName with %h expanded, in lower case
            String h = o.hostName(null);
            String finalHost = (h == null ? host : h.replace("%h", host)).toLowerCase(Locale.ROOT);
            new SshConfigFiles(o, new Pass(host, finalHost, true)).readAll(files, userFiles);
        }
    }

    private void readAll(List<Path> files, List<Boolean> userFiles) {
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (f.toString().equals("/dev/null") || !Files.isRegularFile(f)) {
                continue;
            }
            read(f, userFiles.get(i), true, false, 0);
        }
    }

    /**
     * Reads one file. {@code active}: the state of the including block (true for a top-level file);
     * {@code neverMatch}: included from a block that does not apply, so nothing in it may apply either.
     */
    private void read(Path f, boolean userFile, boolean active, boolean neverMatch, int depth) {
        List<String> lines;
        try {
            lines = Files.readAllLines(f);
        } catch (IOException e) {
            o.configNote("cannot read " + f + ": " + e.getMessage()); // ssh, too, goes on without it
            return;
        }
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
            String where = f + " line " + n;
            switch (key) {
                case "host" -> active = !neverMatch && hostMatches(rest, pass.finalPass() ? pass.hostName()
                        : pass.hostArg());
                case "match" -> {
                    MatchLine m = new MatchLine(o, pass, where);
                    active = !neverMatch && m.matches(rest);
                    wantFinal |= m.wantsFinal();
                }
                case "include" -> include(rest, userFile, active, neverMatch, depth, where);
                default -> {
                    if (active) {
                        o.configLine(line, where);
                    }
                }
            }
        }
    }

    private void include(String rest, boolean userFile, boolean active, boolean neverMatch, int depth,
                         String where) {
        if (depth + 1 > MAX_DEPTH) {
            o.configNote(where + ": Include nested too deeply, skipped");
            return;
        }
        List<String> args;
        try {
            args = ShellWords.splitLikeShlex(rest);
        } catch (IllegalArgumentException e) {
            o.configNote(where + ": Include: " + e.getMessage());
            return;
        }
        for (String a : args) {
            String p = SshOptions.expandHome(a);
            if (!p.startsWith("/")) {
                p = (userFile ? SshOptions.expandHome("~/.ssh") : "/etc/ssh") + "/" + p;
            }
            for (Path inc : PathGlob.expand(p)) {
                if (Files.isRegularFile(inc)) {
                    read(inc, userFile, active, neverMatch || !active, depth + 1);
                }
            }
        }
    }

    /**
     * ssh's Host patterns: whitespace-separated globs with * and ?, {@code !pattern} excludes. Case-sensitive,
     * as ssh compares them with the name as given (checked with ssh -G).
     */
    static boolean hostMatches(String patterns, String host) {
        return anyMatches(ShellWords.splitLikeShlex(patterns), host, false);
    }

    /** ssh's pattern lists ({@code a,b,!c}, used by Match): true when a pattern matches and no negated one does. */
    static boolean listMatches(String list, String value, boolean ignoreCase) {
        return anyMatches(List.of(list.split(",")), value, ignoreCase);
    }

    private static boolean anyMatches(List<String> patterns, String value, boolean ignoreCase) {
        boolean matched = false;
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            String g = negated ? p.substring(1) : p;
            if (glob(g, ignoreCase).matcher(value).matches()) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /** ssh's match_pattern: {@code *} any run, {@code ?} one character, nothing else special. */
    static Pattern glob(String g, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }
}
