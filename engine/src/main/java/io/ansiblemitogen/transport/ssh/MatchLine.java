package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.ShellWords;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One {@code Match} line evaluated as OpenSSH's match_cfg_line does: every criterion must hold, {@code !} negates
 * one; {@code all}, {@code canonical}/{@code final} (true on ssh's second pass only), {@code host} (HostName if
 * set, else the name given; case-insensitive), {@code originalhost}, {@code user} (the remote user so far, else
 * the local one), {@code localuser}, {@code tagged} (Tag) and {@code exec} (a shell command on the controller, run
 * only while the criteria before it hold; exit status 0 is a match). A criterion this engine does not know makes
 * the block not apply, with a note (ssh would refuse the whole file).
 */
final class MatchLine {
    private static final long EXEC_TIMEOUT_S = 30;

    private final SshOptions o;
    private final SshConfigFiles.Pass pass;
    private final String where;
    private boolean wantsFinal;

    MatchLine(SshOptions o, SshConfigFiles.Pass pass, String where) {
        this.o = o;
        this.pass = pass;
        this.where = where;
    }

    boolean wantsFinal() {
        return wantsFinal;
    }

    boolean matches(String criteria) {
        List<String> w;
        try {
            w = ShellWords.splitLikeShlex(criteria);
        } catch (IllegalArgumentException e) {
            o.configNote(where + ": Match: " + e.getMessage());
            return false;
        }
        boolean result = true;
        for (int i = 0; i < w.size(); i++) {
            String word = w.get(i);
            boolean negate = word.startsWith("!");
            String attr = (negate ? word.substring(1) : word).toLowerCase(Locale.ROOT);
            boolean r;
            switch (attr) {
                case "all" -> r = true;
                case "canonical", "final" -> {
                    wantsFinal |= attr.equals("final");
                    r = pass.finalPass();
                }
                case "host", "originalhost", "user", "localuser", "tagged", "exec" -> {
                    if (i + 1 >= w.size()) {
                        o.configNote(where + ": Match " + attr + " needs an argument; block skipped");
                        return false;
                    }
                    String arg = w.get(++i);
                    if (attr.equals("exec") && !result) {
                        continue; // ssh does not run the command once the line cannot match
                    }
                    r = criterion(attr, arg);
                }
                default -> {
                    o.configNote(where + ": unsupported Match criterion '" + word + "'; block skipped");
                    return false;
                }
            }
            if (r == negate) {
                result = false;
            }
        }
        return result;
    }

    private boolean criterion(String attr, String arg) {
        return switch (attr) {
            case "host" -> SshConfigFiles.listMatches(arg, host(), true);
            case "originalhost" -> SshConfigFiles.listMatches(arg, pass.hostArg(), true);
            case "user" -> SshConfigFiles.listMatches(arg, remoteUser(), false);
            case "localuser" -> SshConfigFiles.listMatches(arg, System.getProperty("user.name"), false);
            case "tagged" -> SshConfigFiles.listMatches(arg, o.tag() == null ? "" : o.tag(), false);
            default -> exec(arg);
        };
    }

    /** match_cfg_line's host: HostName so far, %h expanded, else the name given (the final name on pass two). */
    private String host() {
        String h = o.hostName(null);
        return h == null ? pass.hostName() : h.replace("%h", pass.hostArg());
    }

    private String remoteUser() {
        return o.user(System.getProperty("user.name"));
    }

    private boolean exec(String command) {
        String cmd = expandTokens(command);
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(EXEC_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                o.configNote(where + ": Match exec '" + cmd + "' ran longer than " + EXEC_TIMEOUT_S
                        + " s; taken as no match");
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            o.configNote(where + ": Match exec '" + cmd + "': " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The tokens ssh_config(5) allows in Match exec. */
    private String expandTokens(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char t = s.charAt(++i);
            switch (t) {
                case '%' -> b.append('%');
                case 'h' -> b.append(host());
                case 'n' -> b.append(pass.hostArg());
                case 'p' -> b.append(o.port());
                case 'r' -> b.append(remoteUser());
                case 'u' -> b.append(System.getProperty("user.name"));
                case 'd' -> b.append(System.getProperty("user.home"));
                case 'i' -> b.append(uid());
                case 'k' -> b.append(o.hostKeyAlias() != null ? o.hostKeyAlias() : pass.hostArg());
                case 'l' -> b.append(localHostName());
                case 'L' -> b.append(localHostName().split("\\.", 2)[0]);
                case 'C' -> b.append(connectionHash());
                default -> b.append('%').append(t);
            }
        }
        return b.toString();
    }

    private String connectionHash() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            String in = localHostName() + host() + o.port() + remoteUser();
            return HexFormat.of().formatHex(md.digest(in.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String uid() {
        try {
            Object v = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            return String.valueOf(v);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "";
        }
    }
}
