package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.ShellWords;
import io.ansiblemitogen.engine.TargetSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OpenSSH options of one target, read from Ansible's ssh arguments with ssh(1) semantics: options are
 * case-insensitive, the first value obtained for an option wins (later ones are ignored), {@code -i} and
 * {@code IdentityFile} accumulate.
 *
 * <p>{@link #forTarget} builds the same argument list stock Ansible's ssh connection plugin passes to ssh, in
 * the same order (ssh_args, then Ansible's own {@code -o Port/IdentityFile/User/ConnectTimeout...}, then
 * ssh_common_args and ssh_extra_args), so precedence between inventory variables and options is stock's.
 */
public final class SshOptions {
    public enum HostKeyChecking { YES, NO, ACCEPT_NEW, ASK }

    /** One word of an ssh command line and the variable it came from (for error messages). */
    public record Arg(String word, String source) {
    }

    /** One ProxyJump hop, as {@code [user@]host[:port]}. */
    public record Jump(String user, String host, Integer port) {
        @Override
        public String toString() {
            return (user == null ? "" : user + "@") + host + (port == null ? "" : ":" + port);
        }
    }

    /** Options the engine honours (lower case -> the spelling used in messages). */
    private static final Map<String, String> HONOURED = names(
            "StrictHostKeyChecking", "UserKnownHostsFile", "GlobalKnownHostsFile", "ConnectTimeout",
            "ServerAliveInterval", "ServerAliveCountMax", "IdentityFile", "IdentitiesOnly", "Port", "User",
            "ProxyJump", "Compression", "HostKeyAlias", "PasswordAuthentication", "PubkeyAuthentication",
            "KbdInteractiveAuthentication", "PreferredAuthentications", "LogLevel", "BatchMode", "AddressFamily",
            "ConnectionAttempts", "HostName", "IdentityAgent", "Ciphers", "MACs", "KexAlgorithms",
            "HostKeyAlgorithms", "PubkeyAcceptedAlgorithms", "ForwardAgent", "PermitLocalCommand", "LocalCommand",
            "BindAddress", "BindInterface", "Tag");

    /**
     * Options accepted and ignored because whatever their value, OpenSSH would run the playbook the same: they
     * only concern the ssh process, its multiplexing, its terminal or its messages (the engine keeps one
     * connection per target itself: Control*), a feature they only tune and that is off or refused on its own
     * (certificates, hostbased, GSSAPI, X11, port forwarding, canonicalisation), or the network below SSH.
     * docs/ssh.md lists every ssh_config(5) keyword with its class and the reason.
     */
    private static final Map<String, String> IGNORED = names(
            "ControlMaster", "ControlPersist", "ControlPath", "GSSAPIAuthentication", "GSSAPIDelegateCredentials",
            "GSSAPIKeyExchange", "GSSAPITrustDns", "GSSAPIClientIdentity", "GSSAPIServerIdentity",
            "GSSAPIRenewalForcesRekey", "GSSAPIKexAlgorithms", "AddKeysToAgent", "HashKnownHosts", "CheckHostIP",
            "VisualHostKey", "UpdateHostKeys", "TCPKeepAlive", "EscapeChar", "NumberOfPasswordPrompts",
            "ForwardX11Trusted", "ForwardX11Timeout", "XAuthLocation", "VerifyHostKeyDNS", "CanonicalizeHostname",
            "CanonicalDomains", "CanonicalizeFallbackLocal", "CanonicalizeMaxDots", "CanonicalizePermittedCNAMEs",
            "ClearAllForwardings", "GatewayPorts", "PermitRemoteOpen", "StreamLocalBindMask",
            "UseRoaming", "ExitOnForwardFailure", "HostbasedAuthentication", "HostbasedAcceptedAlgorithms",
            "HostbasedKeyTypes", "EnableSSHKeysign", "StreamLocalBindUnlink", "ObscureKeystrokeTiming",
            "EnableEscapeCommandline", "CASignatureAlgorithms", "ChannelTimeout", "FingerprintHash", "IgnoreUnknown",
            "IPQoS", "KbdInteractiveDevices", "LogVerbose", "SyslogFacility", "ProxyUseFdpass", "RekeyLimit",
            "RequiredRSASize", "SecurityKeyProvider", "TunnelDevice", "WarnWeakCrypto",
            // deprecated: OpenSSH itself only warns and ignores them
            "Protocol", "UsePrivilegedPort", "RSAAuthentication", "RhostsRSAAuthentication", "CompressionLevel",
            "Cipher");

    /**
     * Accepted only with these values (which ask for nothing); any other value would make ssh do something the
     * engine does not do, and is refused by name.
     */
    private static final Map<String, Set<String>> IGNORED_IF = Map.ofEntries(
            Map.entry("forwardx11", Set.of("no")),
            Map.entry("requesttty", Set.of("no", "auto")),
            Map.entry("sessiontype", Set.of("default")),
            Map.entry("forkafterauthentication", Set.of("no")),
            Map.entry("stdinnull", Set.of("no")),
            Map.entry("remotecommand", Set.of("none")),
            Map.entry("pkcs11provider", Set.of("none")),
            Map.entry("knownhostscommand", Set.of("none")),
            Map.entry("revokedhostkeys", Set.of("none")),
            Map.entry("certificatefile", Set.of("none")),
            Map.entry("nohostauthenticationforlocalhost", Set.of("no")),
            Map.entry("refuseconnection", Set.of("no")),
            Map.entry("tunnel", Set.of("no")));

    /** Options read as yes/no (where ssh also takes true/false). */
    private static final Set<String> YES_NO = Set.of("compression", "identitiesonly", "passwordauthentication",
            "pubkeyauthentication", "kbdinteractiveauthentication", "batchmode", "permitlocalcommand", "forwardagent",
            "forwardx11", "tunnel", "stricthostkeychecking", "stdinnull", "forkafterauthentication",
            "nohostauthenticationforlocalhost", "refuseconnection", "requesttty");

    private static final Map<String, String> ALIASES = Map.of(
            "challengeresponseauthentication", "kbdinteractiveauthentication",
            "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms");

    /** How the engine treats an ssh_config keyword (docs/ssh.md has the table). */
    public enum Handling { HONOURED, IGNORED, ONLY_HARMLESS_VALUES, REFUSED }

    /** Keywords refused whatever their value: each makes ssh do something outside the session (listeners). */
    private static final Set<String> REFUSED = Set.of("localforward", "remoteforward", "dynamicforward");

    /** The class of an ssh_config keyword; null for a keyword the engine has never heard of. */
    public static Handling handling(String keyword) {
        String k = keyword.toLowerCase(Locale.ROOT);
        k = ALIASES.getOrDefault(k, k);
        if (HONOURED.containsKey(k) || k.equals("sendenv") || k.equals("setenv") || k.equals("proxycommand")
                || k.equals("host") || k.equals("match") || k.equals("include")) {
            return Handling.HONOURED;
        }
        if (IGNORED.containsKey(k)) {
            return Handling.IGNORED;
        }
        if (IGNORED_IF.containsKey(k)) {
            return Handling.ONLY_HARMLESS_VALUES;
        }
        return REFUSED.contains(k) ? Handling.REFUSED : null;
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> identityFiles = new ArrayList<>();
    private final List<String> configNotes = new ArrayList<>();
    private final List<String> sendEnv = new ArrayList<>();
    private Map<String, String> setEnv;
    private String configFile;
    private String configFileSource;

    private SshOptions() {
    }

    // ---------------------------------------------------------------------------------------------------- parse

    /** The options stock Ansible would give ssh for {@code t}, parsed. */
    public static SshOptions forTarget(TargetSpec t) throws SshOptionException {
        SshOptions o = parse(ansibleArgs(t));
        List<Path> files = o.configFile == null
                ? List.of(Path.of(expandHome("~/.ssh/config")), Path.of("/etc/ssh/ssh_config"))
                : List.of(Path.of(expandHome(o.configFile)));
        if (o.configFile != null && !o.configFile.equals("/dev/null") && !Files.isReadable(files.get(0))) {
            throw new SshOptionException(o.configFileSource + ": cannot read ssh config file '" + o.configFile + "'");
        }
        // ssh reads a -F file as a user file: its relative Includes are under ~/.ssh, the system file's /etc/ssh
        SshConfigFiles.apply(o, t.host(), files, o.configFile == null ? List.of(true, false) : List.of(true));
        o.checkLocalCommand();
        return o;
    }

    /**
     * LocalCommand runs only with PermitLocalCommand=yes (either alone asks for nothing); ssh would then run it on
     * the controller, its output mixed into ssh's, which the engine does not do.
     */
    private void checkLocalCommand() throws SshOptionException {
        if (get("localcommand") != null && yes("permitlocalcommand", false)) {
            throw new SshOptionException(sources.get("localcommand") + ": unsupported ssh option 'LocalCommand'"
                    + " with PermitLocalCommand=yes (from " + sources.get("permitlocalcommand") + "): the engine"
                    + " runs no command on the controller");
        }
    }

    /**
     * One line of an ssh_config file, applied where the command line left the option unset. Unlike arguments,
     * files are read leniently: an option the engine cannot honour is skipped and noted (Debian's own
     * /etc/ssh/ssh_config has {@code SendEnv}), so a user's config never stops a playbook that works with ssh.
     */
    void configLine(String line, String source) {
        try {
            option(line, source);
        } catch (SshOptionException e) {
            configNotes.add(e.getMessage());
        }
    }

    void configNote(String note) {
        configNotes.add(note);
    }

    /** What was skipped in ssh_config files, for diagnostics. */
    public List<String> configNotes() {
        return List.copyOf(configNotes);
    }

    /** The ssh arguments stock Ansible would build for {@code t}, without the host (tests compare with ssh -G). */
    static List<Arg> ansibleArgs(TargetSpec t) throws SshOptionException {
        List<Arg> args = new ArrayList<>();
        words(args, t.sshArgs(), "ansible_ssh_args");
        if (Boolean.FALSE.equals(t.hostKeyChecking())) {
            add(args, "host_key_checking", "-o", "StrictHostKeyChecking=no");
        }
        if (t.port() != null) {
            add(args, "ansible_port", "-o", "Port=" + t.port());
        }
        if (t.privateKeyFile() != null && !t.privateKeyFile().isBlank()) {
            add(args, "ansible_ssh_private_key_file", "-o",
                    "IdentityFile=\"" + expandHome(t.privateKeyFile()) + "\"");
        }
        if (t.password() == null) {
            add(args, "ansible_password (not set)", "-o", "KbdInteractiveAuthentication=no",
                    "-o", "PreferredAuthentications=gssapi-with-mic,gssapi-keyex,hostbased,publickey",
                    "-o", "PasswordAuthentication=no");
        }
        if (t.user() != null && !t.user().isBlank()) {
            add(args, "ansible_user", "-o", "User=\"" + t.user() + "\"");
        }
        if (t.timeout() != null) {
            add(args, "ansible_ssh_timeout", "-o", "ConnectTimeout=" + t.timeout());
        }
        words(args, t.sshCommonArgs(), "ansible_ssh_common_args");
        words(args, t.sshExtraArgs(), "ansible_ssh_extra_args");
        return args;
    }

    private static void words(List<Arg> args, String s, String source) throws SshOptionException {
        try {
            for (String w : ShellWords.splitLikeShlex(s)) {
                args.add(new Arg(w, source));
            }
        } catch (IllegalArgumentException e) {
            throw new SshOptionException(source + ": " + e.getMessage());
        }
    }

    private static void add(List<Arg> args, String source, String... words) {
        for (String w : words) {
            args.add(new Arg(w, source));
        }
    }

    /** Parses words of an ssh command line (options only: no host, no command). */
    public static SshOptions parse(List<Arg> args) throws SshOptionException {
        SshOptions o = new SshOptions();
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String w = a.word();
            if (!w.startsWith("-") || w.length() < 2) {
                throw new SshOptionException(a.source() + ": unexpected ssh argument '" + w
                        + "' (only options are allowed here)");
            }
            for (int j = 1; j < w.length(); j++) {
                char f = w.charAt(j);
                if ("bcDeEFiIJlLmoOpPQRSwWB".indexOf(f) >= 0) {
                    String value;
                    if (j + 1 < w.length()) {
                        value = w.substring(j + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i).word();
                    } else {
                        throw new SshOptionException(a.source() + ": ssh option -" + f + " needs a value");
                    }
                    o.flagWithValue(f, value, a.source());
                    break;
                }
                o.flag(f, a.source());
            }
        }
        return o;
    }

    private void flag(char f, String source) throws SshOptionException {
        switch (f) {
            case '4' -> set("addressfamily", List.of("inet"), source);
            case '6' -> set("addressfamily", List.of("inet6"), source);
            // -C is in Ansible's default ssh_args, so it is on for nearly everyone without being a choice. The
            // engine's traffic is small frames and already-compressed ZIPs: on a LAN zlib only costs CPU (measured
            // in docs/ssh.md: 2.5x slower per task and for bulk copies). Compression=yes still turns it on.
            case 'C' -> {
            }
            case 'q' -> set("loglevel", List.of("QUIET"), source);
            case 'v' -> set("loglevel", List.of("DEBUG"), source);
            // ssh assigns -A/-a outright: the last of them wins, over any -o ForwardAgent (checked with ssh -G)
            case 'A' -> force("forwardagent", "yes", source);
            case 'a' -> force("forwardagent", "no", source);
            // -x/-k/-T/-n turn off X11 forwarding, GSSAPI delegation, the tty, stdin: all off anyway
            case 'x', 'k', 'T', 'n' -> {
            }
            default -> throw new SshOptionException(source + ": unsupported ssh flag '-" + f + "'");
        }
    }

    private void flagWithValue(char f, String value, String source) throws SshOptionException {
        switch (f) {
            case 'o' -> option(value, source);
            case 'i' -> addIdentityFile(value);
            case 'p' -> set("port", List.of(checkPort(value, "-p", source)), source);
            case 'l' -> set("user", List.of(value), source);
            case 'J' -> set("proxyjump", List.of(value), source);
            case 'c' -> set("ciphers", List.of(value), source);
            case 'm' -> set("macs", List.of(value), source);
            case 'E', 'S' -> {
                // -E (log file) and -S (control socket) only concern the ssh process.
            }
            // ssh keeps the last -F (unlike options, where the first value wins)
            case 'F' -> {
                configFile = value.equalsIgnoreCase("none") ? "/dev/null" : value;
                configFileSource = source;
            }
            default -> throw new SshOptionException(source + ": unsupported ssh flag '-" + f + "'");
        }
    }

    /** One {@code Key=Value} / {@code Key Value} option, as ssh_config parses it. */
    void option(String text, String source) throws SshOptionException {
        String t = text.strip();
        int k = 0;
        while (k < t.length() && !Character.isWhitespace(t.charAt(k)) && t.charAt(k) != '=') {
            k++;
        }
        String name = t.substring(0, k);
        String rest = t.substring(k).strip();
        if (rest.startsWith("=")) {
            rest = rest.substring(1).strip();
        }
        String key = name.toLowerCase(Locale.ROOT);
        key = ALIASES.getOrDefault(key, key);
        List<String> vals;
        try {
            vals = ShellWords.splitLikeShlex(rest);
        } catch (IllegalArgumentException e) {
            throw new SshOptionException(source + ": ssh option '" + name + "': " + e.getMessage());
        }
        if (name.isEmpty() || vals.isEmpty()) {
            throw new SshOptionException(source + ": malformed ssh option '" + text + "'");
        }
        vals = normalised(key, vals);
        if (IGNORED.containsKey(key)) {
            if (key.startsWith("control") || key.equals("canonicalizehostname")) {
                // Control*: what a terminal's close looks like (TtyCloseNotice), whether ssh would be a master;
                // CanonicalizeHostname: it makes ssh read its config files a second time (SshConfigFiles)
                values.putIfAbsent(key, vals);
            }
            return;
        }
        if (key.equals("proxycommand")) {
            proxyCommand(rest, source);
            return;
        }
        if (key.equals("forwardx11") && vals.get(0).equalsIgnoreCase("yes") && noDisplay()) {
            return; // ssh only forwards X11 when the controller has a DISPLAY
        }
        if (key.equals("sendenv")) {
            sendEnv(vals);
            return;
        }
        if (key.equals("setenv")) {
            setEnv(vals, source);
            return;
        }
        if (key.equals("localcommand")) {
            set(key, List.of(rest), source); // a command line, run by ssh's shell: kept whole
            return;
        }
        if (IGNORED_IF.containsKey(key)) {
            if (!IGNORED_IF.get(key).contains(vals.get(0).toLowerCase(Locale.ROOT))) {
                throw new SshOptionException(source + ": unsupported ssh option '" + name + "=" + rest + "'");
            }
            return;
        }
        if (!HONOURED.containsKey(key)) {
            throw new SshOptionException(source + ": unsupported ssh option '" + name + "'");
        }
        String display = HONOURED.get(key);
        boolean multi = key.equals("userknownhostsfile") || key.equals("globalknownhostsfile");
        if (!multi && vals.size() > 1) {
            throw new SshOptionException(source + ": ssh option '" + display + "' takes one value, got '"
                    + rest + "'");
        }
        String v = vals.get(0);
        switch (key) {
            case "identityfile" -> {
                addIdentityFile(v);
                return;
            }
            case "stricthostkeychecking" -> checkOne(display, v, source, "yes", "no", "ask", "accept-new", "off");
            case "compression", "identitiesonly", "passwordauthentication", "pubkeyauthentication",
                    "kbdinteractiveauthentication", "batchmode", "permitlocalcommand" ->
                    checkOne(display, v, source, "yes", "no");
            case "addressfamily" -> checkOne(display, v, source, "any", "inet", "inet6");
            case "port" -> v = checkPort(v, display, source);
            case "connecttimeout", "serveraliveinterval", "serveralivecountmax", "connectionattempts" ->
                    checkInt(display, v, source);
            case "loglevel" -> checkOne(display, v, source, "quiet", "fatal", "error", "info", "verbose", "debug",
                    "debug1", "debug2", "debug3");
            default -> {
            }
        }
        set(key, vals, source);
    }

    /**
     * ProxyCommand of the {@code ssh -W %h:%p [options] [user@]bastion} (or {@code ssh bastion nc %h %p}) shape, the
     * way most inventories reach a bastion, becomes the equivalent ProxyJump hop; its {@code -i} keys join the
     * keys tried. Any other command would need a local process per connection and is refused.
     */
    private void proxyCommand(String text, String source) throws SshOptionException {
        List<String> w;
        try {
            w = ShellWords.splitLikeShlex(text);
        } catch (IllegalArgumentException e) {
            throw new SshOptionException(source + ": ssh option 'ProxyCommand': " + e.getMessage());
        }
        if (w.size() == 1 && w.get(0).equalsIgnoreCase("none")) {
            return;
        }
        String unsupported = source + ": unsupported ssh option 'ProxyCommand=" + text + "' (only 'ssh -W %h:%p"
                + " [user@]host' is understood; use ProxyJump)";
        if (w.isEmpty() || !(w.get(0).equals("ssh") || w.get(0).endsWith("/ssh"))) {
            throw new SshOptionException(unsupported);
        }
        String user = null;
        String port = null;
        String host = null;
        boolean forwards = false;
        List<String> keys = new ArrayList<>();
        for (int i = 1; i < w.size(); i++) {
            String a = w.get(i);
            if (a.equals("-W") && i + 1 < w.size() && w.get(i + 1).equals("%h:%p")) {
                forwards = true;
                i++;
            } else if ((a.equals("nc") || a.equals("netcat")) && host != null && i + 2 == w.size() - 1
                    && w.get(i + 1).equals("%h") && w.get(i + 2).equals("%p")) {
                forwards = true;
                i += 2;
            } else if ((a.equals("-p") || a.equals("-l") || a.equals("-i") || a.equals("-o")) && i + 1 < w.size()) {
                String v = w.get(++i);
                switch (a) {
                    case "-p" -> port = checkPort(v, "ProxyCommand -p", source);
                    case "-l" -> user = v;
                    case "-i" -> keys.add(v);
                    default -> {
                        String k = v.split("[= ]", 2)[0].toLowerCase(Locale.ROOT);
                        if (!IGNORED.containsKey(k) && !k.equals("stricthostkeychecking")
                                && !k.equals("userknownhostsfile")) {
                            throw new SshOptionException(unsupported);
                        }
                    }
                }
            } else if (a.matches("-[qvCTaxnN46]+")) {
                continue;
            } else if (!a.startsWith("-") && host == null) {
                host = a;
            } else {
                throw new SshOptionException(unsupported);
            }
        }
        if (!forwards || host == null) {
            throw new SshOptionException(unsupported);
        }
        if (host.contains("@")) {
            user = user == null ? host.substring(0, host.lastIndexOf('@')) : user;
            host = host.substring(host.lastIndexOf('@') + 1);
        }
        String spec = (user == null ? "" : user + "@") + (host.contains(":") ? "[" + host + "]" : host)
                + (port == null ? "" : ":" + port);
        if (!values.containsKey("proxyjump")) {
            identityFiles.addAll(keys);
        }
        set("proxyjump", List.of(spec), source);
    }

    /** As ssh: a file named twice is tried once (ssh's second config pass names them all again). */
    private void addIdentityFile(String f) {
        if (!identityFiles.contains(f)) {
            identityFiles.add(f);
        }
    }

    /**
     * ssh's own spellings of the same value: {@code true}/{@code false} for yes/no wherever a yes/no is read (ssh -G
     * prints them so), PubkeyAuthentication's {@code unbound}/{@code host-bound} (both: yes), ConnectTimeout
     * {@code none} (unset).
     */
    private static List<String> normalised(String key, List<String> vals) {
        String v = vals.get(0).toLowerCase(Locale.ROOT);
        String n = switch (v) {
            case "true" -> YES_NO.contains(key) ? "yes" : null;
            case "false" -> YES_NO.contains(key) ? "no" : null;
            case "unbound", "host-bound" -> key.equals("pubkeyauthentication") ? "yes" : null;
            case "none" -> key.equals("connecttimeout") ? "0" : null;
            default -> null;
        };
        if (n == null || vals.size() != 1) {
            return vals;
        }
        return List.of(n);
    }

    private void force(String key, String value, String source) {
        values.put(key, List.of(value));
        sources.put(key, source);
    }

    /** SendEnv patterns accumulate over every line; {@code -PATTERN} takes the patterns it matches back out. */
    private void sendEnv(List<String> patterns) {
        for (String p : patterns) {
            if (p.startsWith("-")) {
                // readconf.c's rm_env: drops the patterns the given pattern matches (as strings)
                sendEnv.removeIf(e -> SshConfigFiles.glob(p.substring(1), false).matcher(e).matches());
            } else if (!sendEnv.contains(p)) {
                sendEnv.add(p);
            }
        }
    }

    /** The first SetEnv line wins whole, as in ssh; within it the first value of a name wins. */
    private void setEnv(List<String> pairs, String source) throws SshOptionException {
        Map<String, String> line = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new SshOptionException(source + ": bad value '" + p + "' for ssh option 'SetEnv' (expected"
                        + " NAME=VALUE)");
            }
            line.putIfAbsent(p.substring(0, eq), p.substring(eq + 1));
        }
        if (setEnv == null) {
            setEnv = line;
        }
    }

    private static boolean noDisplay() {
        String d = System.getenv("DISPLAY");
        return d == null || d.isEmpty();
    }

    private void set(String key, List<String> vals, String source) {
        if (!values.containsKey(key)) {
            values.put(key, List.copyOf(vals));
            sources.put(key, source);
        }
    }

    private static void checkOne(String name, String v, String source, String... allowed)
            throws SshOptionException {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return;
            }
        }
        throw new SshOptionException(source + ": bad value '" + v + "' for ssh option '" + name + "' (expected "
                + String.join("/", allowed) + ")");
    }

    private static void checkInt(String name, String v, String source) throws SshOptionException {
        try {
            if (Integer.parseInt(v) < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new SshOptionException(source + ": bad value '" + v + "' for ssh option '" + name
                    + "' (expected a number)");
        }
    }

    private static String checkPort(String v, String name, String source) throws SshOptionException {
        try {
            int p = Integer.parseInt(v.strip());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return String.valueOf(p);
        } catch (NumberFormatException e) {
            throw new SshOptionException(source + ": bad port '" + v + "' for ssh option '" + name + "'");
        }
    }

    private static Map<String, String> names(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n.toLowerCase(Locale.ROOT), n);
        }
        return Collections.unmodifiableMap(m);
    }

    // -------------------------------------------------------------------------------------------------- values

    private String get(String key) {
        List<String> v = values.get(key);
        return v == null ? null : v.get(0);
    }

    private boolean yes(String key, boolean dflt) {
        String v = get(key);
        return v == null ? dflt : v.equalsIgnoreCase("yes");
    }

    /** Where an option's value came from, e.g. {@code ansible_ssh_extra_args}; null when not set. */
    public String sourceOf(String option) {
        return sources.get(option.toLowerCase(Locale.ROOT));
    }

    public String user(String dflt) {
        String u = get("user");
        return u == null ? dflt : u;
    }

    /** {@code HostName}: the address to connect to instead of the one Ansible gave (rare, but honoured). */
    public String hostName(String dflt) {
        String h = get("hostname");
        return h == null ? dflt : h;
    }

    public int port() {
        String p = get("port");
        return p == null ? 22 : Integer.parseInt(p);
    }

    public List<String> identityFiles() {
        return List.copyOf(identityFiles);
    }

    /** ForwardAgent as written ({@code yes}, {@code no}, {@code $VAR} or a socket path), or null. */
    public String forwardAgent() {
        return get("forwardagent");
    }

    /** BindAddress, or null. */
    public String bindAddress() {
        return get("bindaddress");
    }

    /** BindInterface, or null. */
    public String bindInterface() {
        return get("bindinterface");
    }

    /** Whether ssh would read its config files a second time for the canonical name (it does for any value but no). */
    boolean canonicalizes() {
        String v = get("canonicalizehostname");
        return v != null && !v.equalsIgnoreCase("no");
    }

    /** Tag (for {@code Match tagged}), or null. */
    String tag() {
        return get("tag");
    }

    /**
     * The variables ssh would pass to the server for every session: the controller's (this process's) variables
     * matching a SendEnv pattern, then SetEnv's. sshd keeps only those its AcceptEnv allows, as for ssh.
     */
    public Map<String, String> environment(Map<String, String> local) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : local.entrySet()) {
            for (String p : sendEnv) {
                if (SshConfigFiles.glob(p, false).matcher(e.getKey()).matches()) {
                    out.put(e.getKey(), e.getValue());
                    break;
                }
            }
        }
        if (setEnv != null) {
            out.putAll(setEnv);
        }
        return out;
    }

    /** IdentityAgent as written ({@code none}, {@code SSH_AUTH_SOCK}, {@code $VAR} or a path), or null. */
    public String identityAgent() {
        return get("identityagent");
    }

    /** An algorithm list option as written, or null. */
    public String algorithms(Algorithms kind) {
        return get(kind.option.toLowerCase(Locale.ROOT));
    }

    public boolean identitiesOnly() {
        return yes("identitiesonly", false);
    }

    public HostKeyChecking hostKeyChecking() {
        String v = get("stricthostkeychecking");
        if (v == null) {
            return HostKeyChecking.ASK;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes" -> HostKeyChecking.YES;
            case "no", "off" -> HostKeyChecking.NO;
            case "accept-new" -> HostKeyChecking.ACCEPT_NEW;
            default -> HostKeyChecking.ASK;
        };
    }

    /** UserKnownHostsFile as written (ssh's default when unset); {@code none} means no file. */
    public List<String> userKnownHostsFiles() {
        List<String> v = values.get("userknownhostsfile");
        return v == null ? List.of("~/.ssh/known_hosts", "~/.ssh/known_hosts2") : v;
    }

    public List<String> globalKnownHostsFiles() {
        List<String> v = values.get("globalknownhostsfile");
        return v == null ? List.of("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2") : v;
    }

    /** ConnectTimeout in seconds, or null (the system's TCP timeout). */
    public Integer connectTimeout() {
        String v = get("connecttimeout");
        return v == null || v.equals("0") ? null : Integer.valueOf(v);
    }

    /** ServerAliveInterval in seconds, or null when not set (the transport picks its own default). */
    public Integer serverAliveInterval() {
        String v = get("serveraliveinterval");
        return v == null ? null : Integer.valueOf(v);
    }

    public int serverAliveCountMax() {
        String v = get("serveralivecountmax");
        return v == null ? 3 : Integer.parseInt(v);
    }

    public int connectionAttempts() {
        String v = get("connectionattempts");
        return v == null ? 1 : Math.max(1, Integer.parseInt(v));
    }

    public boolean compression() {
        return yes("compression", false);
    }

    /**
     * The engine's own link compression (docs/ssh.md "Compression"): on unless {@code Compression} is set either
     * way: {@code no} asks for none, {@code yes} gets SSH's compression (compressing twice only costs CPU).
     * {@code ANSIBLE_MITOGEN_LINK_COMPRESSION} picks the level or turns it off.
     */
    public int linkCompressionLevel() {
        return get("compression") != null ? 0 : io.ansiblemitogen.wire.LinkCompression.configuredLevel();
    }

    public String hostKeyAlias() {
        return get("hostkeyalias");
    }

    public boolean passwordAuthentication() {
        return yes("passwordauthentication", true);
    }

    public boolean pubkeyAuthentication() {
        return yes("pubkeyauthentication", true);
    }

    public boolean kbdInteractiveAuthentication() {
        return yes("kbdinteractiveauthentication", true);
    }

    public boolean batchMode() {
        return yes("batchmode", false);
    }

    /** {@code any}, {@code inet} or {@code inet6}. */
    public String addressFamily() {
        String v = get("addressfamily");
        return v == null ? "any" : v.toLowerCase(Locale.ROOT);
    }

    /** Whether stock OpenSSH would run this target through a ControlMaster (as Ansible's default ssh_args do). */
    public boolean multiplexed() {
        String v = get("controlmaster");
        return v != null && !v.equalsIgnoreCase("no");
    }

    /**
     * Whether stock's ssh would be a ControlMaster: ControlMaster not {@code no}, and a ControlPath (Ansible adds
     * one whenever ControlPersist or ControlPath is among the arguments). A master asks for agent forwarding even
     * with no agent on the controller.
     */
    public boolean multiplexedLikeSsh() {
        String path = get("controlpath");
        return multiplexed() && (path != null ? !path.equalsIgnoreCase("none") : get("controlpersist") != null);
    }

    public String logLevel() {
        String v = get("loglevel");
        return v == null ? "INFO" : v.toUpperCase(Locale.ROOT);
    }

    /**
     * The authentication methods to try, in order, among those the engine implements; ssh's default order when
     * PreferredAuthentications is not set. Methods turned off by their own option are left out.
     */
    public List<String> authMethods() {
        String v = get("preferredauthentications");
        List<String> order = v == null ? List.of("publickey", "keyboard-interactive", "password")
                : List.of(v.toLowerCase(Locale.ROOT).split(","));
        List<String> out = new ArrayList<>();
        for (String m : order) {
            String s = m.strip();
            boolean on = switch (s) {
                case "publickey" -> pubkeyAuthentication();
                case "password" -> passwordAuthentication() && !batchMode();
                case "keyboard-interactive" -> kbdInteractiveAuthentication() && !batchMode();
                default -> false; // gssapi-*, hostbased: not implemented, skipped as ssh skips unusable ones
            };
            if (on && !out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** ProxyJump hops, first to last; empty when unset or {@code none}. */
    public List<Jump> proxyJumps() throws SshOptionException {
        String v = get("proxyjump");
        if (v == null || v.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Jump> out = new ArrayList<>();
        for (String hop : v.split(",")) {
            out.add(parseJump(hop.strip(), sources.get("proxyjump")));
        }
        return out;
    }

    static Jump parseJump(String s, String source) throws SshOptionException {
        String t = s.startsWith("ssh://") ? s.substring(6) : s;
        String user = null;
        int at = t.lastIndexOf('@');
        if (at >= 0) {
            user = t.substring(0, at);
            t = t.substring(at + 1);
        }
        Integer port = null;
        String host = t;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new SshOptionException(source + ": bad ProxyJump host '" + s + "'");
            }
            host = t.substring(1, close);
            if (t.length() > close + 1 && t.charAt(close + 1) == ':') {
                port = Integer.valueOf(checkPort(t.substring(close + 2), "ProxyJump", source));
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = Integer.valueOf(checkPort(t.substring(t.indexOf(':') + 1), "ProxyJump", source));
        }
        if (host.isEmpty() || (user != null && user.isEmpty())) {
            throw new SshOptionException(source + ": bad ProxyJump host '" + s + "'");
        }
        return new Jump(user, host, port);
    }

    /**
     * Expands {@code ~} and the ssh tokens {@code %d %h %p %r %u %%} in a file name option (IdentityFile,
     * UserKnownHostsFile).
     */
    public static Path expandPath(String value, String host, int port, String remoteUser) {
        String home = System.getProperty("user.home");
        String v = expandHome(value);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%' && i + 1 < v.length()) {
                char t = v.charAt(++i);
                switch (t) {
                    case 'd' -> b.append(home);
                    case 'h' -> b.append(host);
                    case 'p' -> b.append(port);
                    case 'r' -> b.append(remoteUser);
                    case 'u' -> b.append(System.getProperty("user.name"));
                    case '%' -> b.append('%');
                    default -> b.append('%').append(t);
                }
            } else {
                b.append(c);
            }
        }
        return Path.of(b.toString());
    }

    static String expandHome(String path) {
        String home = System.getProperty("user.home");
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home + path.substring(1) : path;
    }
}
