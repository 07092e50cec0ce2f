package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.ShellWords;
import io.ansiblemitogen.engine.TargetSpec;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

public class SshOptionsTest {
    private static final String ANSIBLE_DEFAULT_SSH_ARGS = "-C -o ControlMaster=auto -o ControlPersist=60s";

    static TargetSpec spec(Integer port, String user, String password, String key, String sshArgs, String common,
                           String extra, Boolean hostKeyChecking) {
        return new TargetSpec("ssh", "web1", "10.0.0.5", port, user, password, key, null, sshArgs, common, extra,
                10, hostKeyChecking, null, null);
    }

    private static SshOptions opts(String common, String extra) throws SshOptionException {
        return SshOptions.forTarget(spec(null, null, null, null, ANSIBLE_DEFAULT_SSH_ARGS, common, extra, null));
    }

    private static void assertRejected(String extra, String... expectedParts) {
        try {
            opts(null, extra);
            fail("accepted: " + extra);
        } catch (SshOptionException e) {
            for (String p : expectedParts) {
                assertTrue(e.getMessage(), e.getMessage().contains(p));
            }
            assertTrue(e.isConfigurationError());
        }
    }

    @Test
    public void shellWordsFollowShlex() {
        assertEquals(List.of("-o", "A=b c", "-o", "x\"y", "p q", "r\\s"),
                ShellWords.splitLikeShlex("  -o 'A=b c' -o \"x\\\"y\" p\\ q \"r\\s\" "));
        assertEquals(List.of(), ShellWords.splitLikeShlex("   "));
        try {
            ShellWords.splitLikeShlex("-o 'open");
            fail();
        } catch (IllegalArgumentException expected) {
            // unterminated quote
        }
    }

    @Test
    public void ansibleDefaultSshArgsAreAccepted() throws Exception {
        SshOptions o = opts(null, null);
        assertEquals(22, o.port());
        assertEquals(SshOptions.HostKeyChecking.ASK, o.hostKeyChecking());
        assertEquals(Integer.valueOf(10), o.connectTimeout());
        assertFalse("-C alone does not turn compression on (docs/ssh.md)", o.compression());
    }

    @Test
    public void firstObtainedValueWinsAndOptionsAreCaseInsensitive() throws Exception {
        SshOptions o = opts("-o port=2200 -o Port=2300 -ostricthostkeychecking=accept-new", "-p 2400");
        assertEquals(2200, o.port());
        assertEquals(SshOptions.HostKeyChecking.ACCEPT_NEW, o.hostKeyChecking());
        assertEquals("ansible_ssh_common_args", o.sourceOf("PORT"));
    }

    @Test
    public void ansibleOwnPortAndUserBeatCommonAndExtraArgsButNotSshArgs() throws Exception {
        SshOptions o = SshOptions.forTarget(spec(2222, "deploy", null, null, ANSIBLE_DEFAULT_SSH_ARGS,
                "-o Port=1 -l other", "-o User=x", null));
        assertEquals(2222, o.port());
        assertEquals("deploy", o.user("root"));
        o = SshOptions.forTarget(spec(2222, "deploy", null, null, "-o Port=2200 -o User=admin", null, null, null));
        assertEquals(2200, o.port());
        assertEquals("admin", o.user("root"));
        // no ansible_user: ssh's -l from the args, else the local user
        assertEquals("other", opts("-l other", null).user("root"));
        assertEquals("root", opts(null, null).user("root"));
    }

    @Test
    public void hostKeyCheckingFalseMeansStrictNoUnlessSshArgsSaidOtherwise() throws Exception {
        assertEquals(SshOptions.HostKeyChecking.NO, SshOptions.forTarget(spec(null, null, null, null,
                ANSIBLE_DEFAULT_SSH_ARGS, null, "-o StrictHostKeyChecking=yes", false)).hostKeyChecking());
        assertEquals(SshOptions.HostKeyChecking.YES, SshOptions.forTarget(spec(null, null, null, null,
                "-o StrictHostKeyChecking=yes", null, null, false)).hostKeyChecking());
    }

    @Test
    public void identitiesAccumulateAndQuotesAreStripped() throws Exception {
        SshOptions o = SshOptions.forTarget(spec(null, null, null, "/keys/a key", ANSIBLE_DEFAULT_SSH_ARGS,
                "-i /keys/b", "-o 'IdentityFile=\"/keys/c\"' -oIdentityFile=/keys/d", null));
        assertEquals(List.of("/keys/a key", "/keys/b", "/keys/c", "/keys/d"), o.identityFiles());
    }

    @Test
    public void severalKnownHostsFilesInOneOption() throws Exception {
        SshOptions o = opts("-o \"UserKnownHostsFile=/a/known /b/known\" -o UserKnownHostsFile=/c", null);
        assertEquals(List.of("/a/known", "/b/known"), o.userKnownHostsFiles());
        assertEquals(List.of("~/.ssh/known_hosts", "~/.ssh/known_hosts2"), opts(null, null).userKnownHostsFiles());
    }

    @Test
    public void authMethodsFollowAnsiblesPasswordlessDefaults() throws Exception {
        assertEquals(List.of("publickey"), opts(null, null).authMethods());
        SshOptions withPassword = SshOptions.forTarget(spec(null, "u", "secret", null, ANSIBLE_DEFAULT_SSH_ARGS,
                null, null, null));
        assertEquals(List.of("publickey", "keyboard-interactive", "password"), withPassword.authMethods());
        SshOptions pref = SshOptions.forTarget(spec(null, "u", "secret", null, "", null,
                "-o PreferredAuthentications=password,publickey -o PubkeyAuthentication=no", null));
        assertEquals(List.of("password"), pref.authMethods());
    }

    @Test
    public void proxyJumpHops() throws Exception {
        List<SshOptions.Jump> j = opts("-J admin@bastion:2200,[::1]:2201,plain", null).proxyJumps();
        assertEquals(3, j.size());
        assertEquals(new SshOptions.Jump("admin", "bastion", 2200), j.get(0));
        assertEquals(new SshOptions.Jump(null, "::1", 2201), j.get(1));
        assertEquals(new SshOptions.Jump(null, "plain", null), j.get(2));
        assertTrue(opts("-o ProxyJump=none", "-J x").proxyJumps().isEmpty());
    }

    @Test
    public void sshDashWProxyCommandBecomesAJumpHost() throws Exception {
        SshOptions o = opts("-o ProxyCommand=\"ssh -W %h:%p -q -i /k/bastion -p 2200 admin@bastion\"", null);
        assertEquals(List.of(new SshOptions.Jump("admin", "bastion", 2200)), o.proxyJumps());
        assertEquals(List.of("/k/bastion"), o.identityFiles());
        o = opts("-o 'ProxyCommand=/usr/bin/ssh -o StrictHostKeyChecking=no bastion nc %h %p'", null);
        assertEquals(List.of(new SshOptions.Jump(null, "bastion", null)), o.proxyJumps());
        assertTrue(opts("-o ProxyCommand=none", null).proxyJumps().isEmpty());
    }

    @Test
    public void harmlessOptionsAreIgnoredFlagsParsed() throws Exception {
        SshOptions o = opts("-o ForwardAgent=no -o GSSAPIAuthentication=no -o AddKeysToAgent=yes -4Cq -F /dev/null"
                + " -o ServerAliveInterval=15 -o ServerAliveCountMax=2 -o HostKeyAlias=web -o LogLevel=ERROR", null);
        assertEquals("inet", o.addressFamily());
        assertEquals(Integer.valueOf(15), o.serverAliveInterval());
        assertEquals(2, o.serverAliveCountMax());
        assertEquals("web", o.hostKeyAlias());
        assertEquals("QUIET", o.logLevel()); // -q came first
        assertNull(opts(null, null).hostKeyAlias());
        assertFalse(opts("-o Compression=no", null).compression());
        assertTrue(opts("-o Compression=yes", "-o Compression=no").compression());
    }

    @Test
    public void unsupportedOptionsNameTheOptionAndTheVariable() {
        assertRejected("-o LocalForward=8080 x:80", "ansible_ssh_extra_args", "unsupported ssh option 'LocalForward'");
        assertRejected("-o Tunnel=yes", "ansible_ssh_extra_args", "Tunnel=yes");
        assertRejected("-o RemoteCommand=id", "RemoteCommand=id");
        assertRejected("-o PermitLocalCommand=yes -o LocalCommand='echo hi'", "LocalCommand",
                "PermitLocalCommand=yes", "ansible_ssh_extra_args");
        assertRejected("-o PermitLocalCommand=maybe", "bad value 'maybe'", "PermitLocalCommand");
        assertRejected("-o SetEnv=NOEQUALS", "SetEnv", "NAME=VALUE");
        assertRejected("-o ProxyCommand='nc -X connect -x proxy:3128 %h %p'", "ProxyCommand", "use ProxyJump");
        assertRejected("-o ProxyCommand='ssh -L 1:x:2 -W %h:%p bastion'", "ProxyCommand");
        assertRejected("-Y", "'-Y'");
        assertRejected("-F /nonexistent/ssh_config", "ansible_ssh_extra_args", "cannot read ssh config file");
        assertRejected("-o StrictHostKeyChecking=maybe", "bad value 'maybe'", "StrictHostKeyChecking");
        assertRejected("-o Port=http", "bad port");
        assertRejected("somehost", "unexpected ssh argument 'somehost'");
        assertRejected("-o 'Port=1", "no closing quotation");
        assertRejected("-o", "needs a value");
    }

    @Test
    public void algorithmListsFollowSshConfigForms() throws Exception {
        List<String> d = List.of("aes128-gcm@openssh.com", "aes128-ctr", "aes256-ctr");
        assertEquals(List.of("aes256-ctr", "aes128-gcm@openssh.com", "aes128-ctr"),
                Algorithms.CIPHERS.resolve("^aes256-ctr", d, "x"));
        assertEquals(List.of("aes128-gcm@openssh.com", "aes256-ctr"), Algorithms.CIPHERS.resolve("-aes128-ctr", d, "x"));
        assertEquals(List.of("aes128-ctr"), Algorithms.CIPHERS.resolve("aes128-ctr", d, "x"));
        assertEquals(d, Algorithms.CIPHERS.resolve("+aes128-ctr", d, "x"));
        assertNull(Algorithms.CIPHERS.resolve(null, d, "x"));
        try {
            Algorithms.MACS.resolve("hmac-*", d, "ansible_ssh_args");
            fail();
        } catch (SshOptionException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("patterns"));
        }
        assertEquals("+ssh-rsa", opts("-o PubkeyAcceptedKeyTypes=+ssh-rsa", null).algorithms(Algorithms.PUBKEYS));
        assertEquals("aes256-ctr", opts("-c aes256-ctr", null).algorithms(Algorithms.CIPHERS));
    }

    @Test
    public void pathTokensExpand() {
        String home = System.getProperty("user.home");
        assertEquals(home + "/.ssh/kh_web_2222_deploy%",
                SshOptions.expandPath("~/.ssh/kh_%h_%p_%r%%", "web", 2222, "deploy").toString());
    }

    /** The ssh_args lines real ansible.cfg files carry: all accepted, ForwardAgent honoured. */
    @Test
    public void commonAnsibleCfgLinesAreAccepted() throws Exception {
        SshOptions o = SshOptions.forTarget(spec(null, null, null, null, ANSIBLE_DEFAULT_SSH_ARGS
                + " -o ForwardAgent=yes -o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa"
                + " -o KexAlgorithms=+diffie-hellman-group14-sha1 -o PermitLocalCommand=yes -o ServerAliveInterval=30"
                + " -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o PreferredAuthentications=publickey"
                + " -o ControlPath=/tmp/ansible-ssh-%h-%p-%r -o GSSAPIAuthentication=no -o IPQoS=throughput"
                + " -o LogLevel=ERROR -o RequestTTY=no", null, null,
                null));
        assertEquals("yes", o.forwardAgent());
        assertTrue(o.multiplexed());
        opts("-o PermitLocalCommand=no", "-o LocalCommand=true");
    }

    /** -A/-a are assignments in ssh: the last wins and beats any -o ForwardAgent (each case checked with ssh -G). */
    @Test
    public void forwardAgentFlagsFollowSsh() throws Exception {
        assertEquals("yes", opts("-o ForwardAgent=no -A", null).forwardAgent());
        assertEquals("yes", opts("-A -o ForwardAgent=no", null).forwardAgent());
        assertEquals("no", opts("-A -a", null).forwardAgent());
        assertEquals("yes", opts("-a", "-A").forwardAgent());
        assertEquals("$SOCK", opts("-o ForwardAgent=$SOCK", "-o ForwardAgent=yes").forwardAgent());
        assertNull(opts(null, null).forwardAgent());
    }

    @Test
    public void sendEnvAndSetEnvBuildTheSessionEnvironment() throws Exception {
        SshOptions o = opts("-o 'SendEnv LANG LC_* XY' -o SendEnv=-X* -o 'SetEnv A=1 B=2 A=3'", "-o SetEnv=C=4");
        java.util.Map<String, String> local = new java.util.LinkedHashMap<>();
        local.put("LANG", "de_DE.UTF-8");
        local.put("LC_TIME", "C");
        local.put("LC_ALL", "C");
        local.put("lang", "lower case is another name");
        local.put("PATH", "/bin");
        local.put("XY", "removed again");
        assertEquals(java.util.Map.of("LANG", "de_DE.UTF-8", "LC_TIME", "C", "LC_ALL", "C", "A", "1", "B", "2"),
                o.environment(local));
    }

    /**
     * Every keyword the local OpenSSH knows (ssh -G prints them all with its defaults) has a class here, and
     * ssh's own default value of each non-list keyword is accepted: a default asks for nothing.
     */
    @Test
    public void everyOpenSshKeywordIsClassifiedAndItsDefaultAccepted() throws Exception {
        Process p = new ProcessBuilder("ssh", "-G", "-F", "/dev/null", "web1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        List<String> unclassified = new java.util.ArrayList<>();
        List<String> refusedDefaults = new java.util.ArrayList<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split(" ", 2);
            if (kv.length < 2 || kv[0].equals("host")) {
                continue;
            }
            if (SshOptions.handling(kv[0]) == null) {
                unclassified.add(kv[0]);
                continue;
            }
            if (kv[0].endsWith("algorithms") || kv[0].equals("ciphers") || kv[0].equals("macs")
                    || kv[0].equals("identityfile") || kv[0].equals("canonicalizepermittedcnames")) {
                continue; // lists of every name ssh knows, or files ssh only tries when present
            }
            try {
                SshOptions.parse(List.of(new SshOptions.Arg("-o", "ssh -G"),
                        new SshOptions.Arg(kv[0] + "=" + kv[1], "ssh -G")));
            } catch (SshOptionException e) {
                refusedDefaults.add(e.getMessage());
            }
        }
        assertEquals("keywords without a class", List.of(), unclassified);
        assertEquals("ssh's defaults refused", List.of(), refusedDefaults);
        for (String k : List.of("LocalForward", "RemoteForward", "DynamicForward", "SendEnv", "SetEnv", "Include",
                "Match", "Host", "RemoteCommand", "KnownHostsCommand", "CertificateFile", "PKCS11Provider",
                "RevokedHostKeys", "LocalCommand", "ProxyCommand", "ProxyJump", "BindAddress", "BindInterface",
                "IgnoreUnknown", "Tag", "CanonicalizeHostname", "ChannelTimeout", "ObscureKeystrokeTiming",
                "RefuseConnection", "WarnWeakCrypto", "PubkeyAcceptedKeyTypes", "ChallengeResponseAuthentication")) {
            assertTrue(k, SshOptions.handling(k) != null);
        }
    }
}
