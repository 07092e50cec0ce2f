package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Runs the built command with the real ansible-playbook, so the argv, the extra-vars JSON (lists, maps, secrets),
 * the vault password file, the inline inventory and the strategy environment are checked by Ansible itself. The
 * strategy is a stand-in named mitogen_linear (the real one lives in the ansible-plugin module) that proves
 * ANSIBLE_STRATEGY_PLUGINS and ANSIBLE_MITOGEN_SOCKET reached it, and prints a remote-log-shaped line.
 */
public class RealAnsibleCommandTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void ansiblePlaybookAcceptsTheCommand() throws Exception {
        assumeTrue("ansible-playbook on PATH", onPath("ansible-playbook"));
        Path ws = tmp.newFolder("ws").toPath();
        Path plugins = tmp.newFolder("plugins").toPath();
        Files.writeString(plugins.resolve("mitogen_linear.py"), String.join("\n",
                "import os",
                "from ansible.plugins.strategy.linear import StrategyModule as _Linear",
                "class StrategyModule(_Linear):",
                "    def run(self, iterator, play_context):",
                "        print('[mitogen:localhost] WARNING stand_in: socket=' + os.environ['ANSIBLE_MITOGEN_SOCKET']",
                "              + ' isolation=' + os.environ.get('ANSIBLE_MITOGEN_TASK_ISOLATION', '-'), flush=True)",
                "        return super().run(iterator, play_context)",
                ""));
        String vaulted = encryptString(tmp.getRoot().toPath(), null, "vault-pw", "from-vault");
        String vaultedProd = encryptString(tmp.getRoot().toPath(), "prod", "prod-pw", "from-prod");
        Files.writeString(ws.resolve("site.yml"), String.join("\n",
                "- hosts: all",
                "  gather_facts: false",
                "  vars:",
                "    vaulted: " + vaulted.replace("\n", "\n      ").strip(),
                "    vaulted_prod: " + vaultedProd.replace("\n", "\n      ").strip(),
                "  tasks:",
                "    - assert:",
                "        that:",
                "          - packages | length == 2",
                "          - packages[1] == 'curl'",
                "          - limits.nofile == 65536",
                "          - limits.nested.ports == [80, 443]",
                "          - enabled is sameas true",
                "          - token == 'tok-123'",
                "          - vaulted == 'from-vault'",
                "          - ansible_password == 'ssh-pw'",
                "          - vaulted_prod == 'from-prod'",
                "          - ansible_become_password == 'become-pw'",
                "      tags: [check]",
                "    - fail: msg='tags were not applied'",
                "      tags: [never-run]",
                ""));
        PlaybookOptions o = PlaybookOptions.builder("site.yml")
                .inventoryContent("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
                .tags("check").taskIsolation(TaskIsolation.FORK).verbosity(1)
                .extraVars(Map.of("packages", List.of("nginx", "curl"),
                        "limits", Map.of("nofile", 65536, "nested", Map.of("ports", List.of(80, 443))),
                        "enabled", true, "token", new SecretValue("tok-123")))
                .build();
        RunCredentials creds = RunCredentials.password("deploy", "ssh-pw").withVaultPassword("vault-pw")
                .withBecomePassword("become-pw").withVaultId("prod", "prod-pw");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path secretsDir;
        int rc;
        try (SecretFiles s = SecretFiles.create(tmp.newFolder("agent-tmp").toPath(), ws)) {
            secretsDir = s.dir();
            PreparedCommand c = new CommandLineBuilder(o).credentials(creds)
                    .engine(new EngineEndpoint(plugins.toString(), "/nonexistent/engine.sock")).build(s);
            ProcessBuilder pb = new ProcessBuilder(c.argv()).directory(ws.toFile()).redirectErrorStream(true);
            pb.environment().putAll(c.env());
            pb.environment().put("ANSIBLE_LOCAL_TEMP", tmp.newFolder("ansible-tmp").toString());
            pb.environment().put("HOME", tmp.getRoot().toString());
            Process p = pb.start();
            try (InputStream in = p.getInputStream();
                    RenderingOutputStream out = new RenderingOutputStream(console,
                            new ConsoleRenderer(new SecretMasker(c.secrets())))) {
                in.transferTo(out);
            }
            assertTrue("ansible-playbook finished", p.waitFor(120, TimeUnit.SECONDS));
            rc = p.exitValue();
        }
        String log = console.toString(StandardCharsets.UTF_8);
        assertEquals(log, 0, rc);
        assertTrue(log, log.contains("ok=1"));
        assertTrue(log, log.contains("[localhost] WARNING stand_in: socket=/nonexistent/engine.sock isolation=fork"));
        assertTrue(!Files.exists(secretsDir));
    }

    /** What Ansible itself prints of a secret (JSON-escaped, quoted, base64) is masked in every form. */
    @Test
    public void everyFormAnsiblePrintsOfASecretIsMasked() throws Exception {
        assumeTrue("ansible-playbook on PATH", onPath("ansible-playbook"));
        String secret = "p\"a\\s's$w\u00f6rd";
        Path ws = tmp.newFolder("ws").toPath();
        Files.writeString(ws.resolve("site.yml"), String.join("\n",
                "- hosts: all",
                "  gather_facts: false",
                "  tasks:",
                "    - debug: var=token",
                "    - debug:",
                "        msg: \"{{ token | b64encode }}\"",
                "    - debug:",
                "        msg: \"{{ ('some text before ' + token + ' and after') | b64encode }}\"",
                "    - debug:",
                "        msg: \"{{ token | quote }}\"",
                "    - debug:",
                "        msg: \"{{ {'nested': token} | to_json | to_json }}\"",
                "    - command: \"printf '%s' {{ token | quote }}\"",
                "      register: out",
                "    - debug: var=out.stdout",
                ""));
        PlaybookOptions o = PlaybookOptions.builder("site.yml")
                .inventoryContent("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
                .verbosity(1).extraVars(Map.of("token", new SecretValue(secret))).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (SecretFiles s = SecretFiles.create(tmp.newFolder("agent-tmp").toPath(), ws)) {
            Path plugins = tmp.newFolder("plugins").toPath();
            Files.writeString(plugins.resolve("mitogen_linear.py"),
                    "from ansible.plugins.strategy.linear import StrategyModule\n");
            PreparedCommand c = new CommandLineBuilder(o)
                    .engine(new EngineEndpoint(plugins.toString(), "/nonexistent/engine.sock")).build(s);
            ProcessBuilder pb = new ProcessBuilder(c.argv()).directory(ws.toFile()).redirectErrorStream(true);
            pb.environment().putAll(c.env());
            pb.environment().put("ANSIBLE_LOCAL_TEMP", tmp.newFolder("ansible-tmp").toString());
            pb.environment().put("HOME", tmp.getRoot().toString());
            Process p = pb.start();
            try (InputStream in = p.getInputStream();
                    RenderingOutputStream out = new RenderingOutputStream(console,
                            new ConsoleRenderer(new SecretMasker(c.secrets())))) {
                in.transferTo(out);
            }
            assertTrue("ansible-playbook finished", p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(console.toString(StandardCharsets.UTF_8), 0, p.exitValue());
        }
        String log = console.toString(StandardCharsets.UTF_8);
        assertTrue(log, log.contains("ok=7"));
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        for (String leak : List.of(secret, "p\\\"a", "a\\\\s", "s's$w", b64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(("some text before " + secret + " and after").getBytes(StandardCharsets.UTF_8)))) {
            assertTrue("leaks " + leak + ":\n" + log, !log.contains(leak));
        }
        assertTrue(log, log.split(java.util.regex.Pattern.quote(SecretMasker.MASK), -1).length > 7);
    }

    /** The ad-hoc command line is one that the real ansible accepts, through the strategy, with masking. */
    @Test
    public void ansibleAcceptsTheAdhocCommand() throws Exception {
        assumeTrue("ansible on PATH", onPath("ansible"));
        Path ws = tmp.newFolder("ws").toPath();
        Path plugins = tmp.newFolder("plugins").toPath();
        Files.writeString(plugins.resolve("mitogen_linear.py"), String.join("\n",
                "from ansible.plugins.strategy.linear import StrategyModule as _Linear",
                "class StrategyModule(_Linear):",
                "    def run(self, iterator, play_context):",
                "        print('stand-in strategy ran', flush=True)",
                "        return super().run(iterator, play_context)",
                ""));
        PlaybookOptions o = PlaybookOptions.adhocBuilder(new AdhocCommand("all", "debug", "msg='token is {{ token }}'"))
                .inventoryContent("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
                .extraVars(Map.of("token", new SecretValue("tok\"456"))).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (SecretFiles s = SecretFiles.create(tmp.newFolder("agent-tmp").toPath(), ws)) {
            PreparedCommand c = new CommandLineBuilder(o)
                    .engine(new EngineEndpoint(plugins.toString(), "/nonexistent/engine.sock")).build(s);
            ProcessBuilder pb = new ProcessBuilder(c.argv()).directory(ws.toFile()).redirectErrorStream(true);
            pb.environment().putAll(c.env());
            pb.environment().put("ANSIBLE_LOCAL_TEMP", tmp.newFolder("ansible-tmp").toString());
            pb.environment().put("HOME", tmp.getRoot().toString());
            Process p = pb.start();
            try (InputStream in = p.getInputStream();
                    RenderingOutputStream out = new RenderingOutputStream(console,
                            new ConsoleRenderer(new SecretMasker(c.secrets())))) {
                in.transferTo(out);
            }
            assertTrue("ansible finished", p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(console.toString(StandardCharsets.UTF_8), 0, p.exitValue());
        }
        String log = console.toString(StandardCharsets.UTF_8);
        assertTrue(log, log.contains("stand-in strategy ran"));
        assertTrue(log, log.contains("\"msg\": \"token is ****\""));
        assertTrue(log, !log.contains("456"));
    }

    private static String encryptString(Path dir, String id, String password, String plain) throws Exception {
        Path pw = dir.resolve("vault-for-test-" + id);
        Files.writeString(pw, password);
        List<String> cmd = id == null
                ? List.of("ansible-vault", "encrypt_string", "--vault-password-file", pw.toString(), plain)
                : List.of("ansible-vault", "encrypt_string", "--vault-id", id + "@" + pw, plain);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return out.strip();
    }

    private static boolean onPath(String exe) throws IOException {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
