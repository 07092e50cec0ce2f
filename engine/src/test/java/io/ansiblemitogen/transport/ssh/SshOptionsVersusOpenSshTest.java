package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.TargetSpec;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.Assert.assertEquals;

/**
 * The option parser against the real thing: OpenSSH's {@code ssh -G} prints the settings it would use for the
 * same argument list (what stock Ansible runs), so precedence and quoting are checked against ssh itself.
 */
public class SshOptionsVersusOpenSshTest {
    private static final String DEFAULTS = "-C -o ControlMaster=auto -o ControlPersist=60s";

    private static TargetSpec spec(Integer port, String user, String sshArgs, String common, String extra,
                                   Boolean hostKeyChecking) {
        return new TargetSpec("ssh", "web1", "10.0.0.5", port, user, null, null, null, sshArgs, common, extra, 10,
                hostKeyChecking, null, null);
    }

    private static Map<String, String> sshG(TargetSpec t) throws Exception {
        // -F /dev/null first: a -F among Ansible's arguments comes later and wins, as in ssh
        List<String> cmd = new ArrayList<>(List.of("ssh", "-G", "-F", "/dev/null"));
        for (SshOptions.Arg a : SshOptions.ansibleArgs(t)) {
            cmd.add(a.word());
        }
        cmd.add(t.host());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("ssh -G failed for " + cmd, 0, p.waitFor());
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split(" ", 2);
            if (kv.length == 2) {
                String k = kv[0].toLowerCase(Locale.ROOT);
                if (k.equals("identityfile") && m.containsKey(k)) {
                    m.put(k, m.get(k) + " " + kv[1].strip()); // one line per file, in order
                } else {
                    m.putIfAbsent(k, kv[1].strip());
                }
            }
        }
        return m;
    }

    private static void same(TargetSpec t) throws Exception {
        Map<String, String> g = sshG(t);
        SshOptions o = SshOptions.forTarget(t);
        String what = t.sshArgs() + " | " + t.sshCommonArgs() + " | " + t.sshExtraArgs();
        assertEquals(what, g.get("port"), String.valueOf(o.port()));
        assertEquals(what, g.get("user"), o.user(System.getProperty("user.name")));
        String strict = switch (o.hostKeyChecking()) {
            case YES -> "true";
            case NO -> "false";
            case ASK -> "ask";
            case ACCEPT_NEW -> "accept-new";
        };
        assertEquals(what, g.get("stricthostkeychecking"), strict);
        assertEquals(what, g.get("connecttimeout"), o.connectTimeout() == null ? "none" : o.connectTimeout() + "");
        List<String> files = new ArrayList<>();
        for (String f : o.userKnownHostsFiles()) {
            files.add(SshOptions.expandHome(f));
        }
        assertEquals(what, g.get("userknownhostsfile"), String.join(" ", files));
        assertEquals(what, g.get("hostkeyalias"), o.hostKeyAlias());
        assertEquals(what, g.get("proxyjump"), o.proxyJumps().isEmpty() ? null
                : String.join(",", o.proxyJumps().stream().map(SshOptions.Jump::toString).toList()));
        assertEquals(what, g.get("serveraliveinterval"), o.serverAliveInterval() == null ? "0"
                : o.serverAliveInterval() + "");
        assertEquals(what, g.get("identitiesonly"), o.identitiesOnly() ? "yes" : "no");
        assertEquals(what, g.get("hostname"), o.hostName(t.host()));
        if (!o.identityFiles().isEmpty()) { // none: ssh's defaults, which ssh -G lists and the engine tries too
            List<String> ids = new ArrayList<>();
            for (String f : o.identityFiles()) {
                ids.add(SshOptions.expandHome(f));
            }
            assertEquals(what, String.join(" ", ids), g.get("identityfile"));
        }
    }

    /**
     * Real files with Include (glob, sorted; inside a block that does not apply: nothing of it applies) and Match
     * (host, originalhost, user, localuser, exec with tokens, negation, all, final with a HostName), read by the
     * engine and by ssh -G for the same Ansible arguments: the same port, user, keys, ProxyJump, host name.
     */
    @Test
    public void includeAndMatchPickWhatOpenSshPicks() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ssh_config_inc");
        try {
            java.nio.file.Path inc = dir.resolve("conf.d");
            java.nio.file.Files.createDirectories(inc);
            java.nio.file.Files.writeString(inc.resolve("10-a.conf"), String.join("\n",
                    "Host 10.0.0.5",
                    "  HostName final.example",
                    "  UserKnownHostsFile /kh/a",
                    ""));
            java.nio.file.Files.writeString(inc.resolve("20-b.conf"), String.join("\n",
                    "IdentityFile /keys/top-of-included-file",
                    "Host *",
                    "  StrictHostKeyChecking accept-new",
                    ""));
            java.nio.file.Files.writeString(inc.resolve("other.txt"), "Port 1998\n");
            java.nio.file.Files.writeString(dir.resolve("never.conf"), "Host *\n  Port 1999\n  HostKeyAlias never\n");
            java.nio.file.Path cfg = dir.resolve("config");
            java.nio.file.Files.writeString(cfg, String.join("\n",
                    "Host nomatch.example",
                    "  Include " + dir.resolve("never.conf"),
                    "Match user deploy exec \"test %r = deploy -a %p = 2222 -a %n = 10.0.0.5\"",
                    "  IdentityFile /keys/deploy_%r",
                    "  ProxyJump jump@bastion:2201",
                    "Match host 10.0.0.* !user deploy",
                    "  IdentityFile /keys/other",
                    "  IdentitiesOnly yes",
                    "Match originalhost 10.0.0.5 localuser " + System.getProperty("user.name"),
                    "  ServerAliveInterval 11",
                    "Match exec false",
                    "  ConnectTimeout 7",
                    "Match Host WEB1",
                    "  ConnectTimeout 8",
                    "Host 10.0.0.5",
                    "Include " + inc + "/*.conf",
                    "Match final host final.example",
                    "  HostKeyAlias final-alias",
                    "Match all",
                    "  ConnectTimeout 13",
                    ""));
            String f = " -F " + cfg;
            same(spec(2222, "deploy", DEFAULTS, f, null, null));
            same(spec(2222, "other", DEFAULTS, f, null, null));
            same(spec(null, null, DEFAULTS, f, null, null));
            same(spec(2200, "deploy", DEFAULTS, f, "-o ConnectTimeout=3", true));
            SshOptions o = SshOptions.forTarget(spec(2222, "deploy", DEFAULTS, f, null, null));
            assertEquals(List.of(new SshOptions.Jump("jump", "bastion", 2201)), o.proxyJumps());
            assertEquals("final-alias", o.hostKeyAlias());
            assertEquals(List.of(), o.configNotes());
        } finally {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    public void precedenceMatchesOpenSsh() throws Exception {
        same(spec(null, null, DEFAULTS, null, null, null));
        same(spec(2222, "deploy", DEFAULTS, "-o Port=1 -l other -o StrictHostKeyChecking=accept-new", "-p 3", false));
        same(spec(2222, "deploy", "-o Port=2200 -o User=admin -o StrictHostKeyChecking=yes", null, null, false));
        same(spec(null, null, DEFAULTS, "-o port=2201 -oPort=2202 -o 'UserKnownHostsFile=/a/b /c/d'",
                "-o UserKnownHostsFile=/e -o HostKeyAlias=alias1 -o ServerAliveInterval=7", true));
        same(spec(null, null, "", "-J jumper@bastion:2200 -o ProxyJump=other -o IdentitiesOnly=yes",
                "-o ConnectTimeout=3", null));
        same(spec(22, "u", DEFAULTS, "-o \"StrictHostKeyChecking no\" -l x", "-o ProxyJump=none", null));
    }

    @Test
    public void sshConfigFileBlocksMatchOpenSsh() throws Exception {
        java.nio.file.Path cfg = java.nio.file.Files.createTempFile("ssh_config", "");
        try {
            java.nio.file.Files.writeString(cfg, String.join("\n",
                    "# comment",
                    "Host 10.0.0.*",
                    "  Port 2300",
                    "  User cfguser",
                    "  IdentitiesOnly=yes",
                    "Host !10.0.0.5 *",
                    "  HostKeyAlias notme",
                    "Host other.example",
                    "  ConnectTimeout 99",
                    "Match exec \"false\"",
                    "  ServerAliveInterval 3",
                    "Host *",
                    "  ServerAliveInterval 9",
                    "  UserKnownHostsFile /cfg/kh /cfg/kh2",
                    "  SendEnv LANG LC_*",
                    "  StrictHostKeyChecking accept-new",
                    ""));
            String f = " -F " + cfg;
            same(spec(null, null, DEFAULTS, f, null, null));
            same(spec(2222, "deploy", DEFAULTS, f, null, false));
            same(spec(null, null, "-o ServerAliveInterval=1 -F /dev/null", f, "-o UserKnownHostsFile=/x", null));
            SshOptions o = SshOptions.forTarget(spec(null, null, DEFAULTS, f, null, null));
            assertEquals(List.of(), o.configNotes()); // SendEnv is honoured now: nothing skipped
            assertEquals(System.getenv("LANG"), o.environment(System.getenv()).get("LANG"));
        } finally {
            java.nio.file.Files.deleteIfExists(cfg);
        }
    }
}
