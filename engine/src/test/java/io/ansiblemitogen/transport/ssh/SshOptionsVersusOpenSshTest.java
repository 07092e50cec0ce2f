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
                m.putIfAbsent(kv[0].toLowerCase(Locale.ROOT), kv[1].strip());
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
