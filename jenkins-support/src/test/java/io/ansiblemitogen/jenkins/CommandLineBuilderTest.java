package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CommandLineBuilderTest {
    private static final EngineEndpoint ENGINE = new EngineEndpoint("/opt/am/plugins", "/run/user/1/am/engine.sock");
    private static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void argvInTheDocumentedOrder() throws IOException {
        PlaybookOptions o = PlaybookOptions.builder("site.yml").inventory("hosts.ini").limit("web").tags("deploy")
                .skippedTags("slow").startAtTask("Install nginx").become(true).becomeUser("app").checkMode(true)
                .diffMode(true).forks(7).verbosity(3).extras("--flush-cache --ssh-extra-args='-o X=y'").build();
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            PreparedCommand c = new CommandLineBuilder(o).engine(ENGINE).build(s);
            assertEquals(List.of("ansible-playbook", "site.yml", "-i", "hosts.ini", "-l", "web", "-t", "deploy",
                    "--skip-tags", "slow", "--start-at-task", "Install nginx", "-b", "--become-user", "app",
                    "--check", "--diff", "-f", "7", "-vvv", "--flush-cache", "--ssh-extra-args=-o X=y"), c.argv());
            assertEquals("ansible-playbook site.yml -i hosts.ini -l web -t deploy --skip-tags slow --start-at-task"
                    + " 'Install nginx' -b --become-user app --check --diff -f 7 -vvv --flush-cache"
                    + " '--ssh-extra-args=-o X=y'", c.display());
        }
    }

    @Test
    public void minimalRunAddsNothingUnasked() throws IOException {
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            PreparedCommand c = new CommandLineBuilder(PlaybookOptions.builder("site.yml").become(true).build())
                    .executable("/venv/bin/ansible-playbook").engine(ENGINE).build(s);
            assertEquals(List.of("/venv/bin/ansible-playbook", "site.yml", "-b"), c.argv());
            // the connection plugins are the strategy directory's sibling `connection` (the plugin's layout)
            assertEquals(Map.of("ANSIBLE_STRATEGY_PLUGINS", "/opt/am/plugins", "ANSIBLE_STRATEGY", "mitogen_linear",
                    "ANSIBLE_CONNECTION_PLUGINS", "/opt/am/connection",
                    "ANSIBLE_MITOGEN_SOCKET", "/run/user/1/am/engine.sock", "PYTHONUNBUFFERED", "1"), c.env());
        }
    }

    @Test
    public void engineOptionsAndFlagsBecomeEnvironment() throws IOException {
        PlaybookOptions o = PlaybookOptions.builder("site.yml").taskIsolation(TaskIsolation.FORK)
                .strategy(Strategy.FREE).maxInterpreters(12).poolSize(3).colorized(true)
                .disableHostKeyChecking(true).build();
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            Map<String, String> env = new CommandLineBuilder(o).engine(ENGINE)
                    .baseEnvironment(Map.of("ANSIBLE_STRATEGY_PLUGINS", "/home/u/strategies",
                            "ANSIBLE_CONNECTION_PLUGINS", "/home/u/connections")).build(s).env();
            assertEquals("/opt/am/plugins:/home/u/strategies", env.get("ANSIBLE_STRATEGY_PLUGINS"));
            assertEquals("/opt/am/connection:/home/u/connections", env.get("ANSIBLE_CONNECTION_PLUGINS"));
            assertEquals("mitogen_free", env.get("ANSIBLE_STRATEGY"));
            assertEquals("fork", env.get("ANSIBLE_MITOGEN_TASK_ISOLATION"));
            assertEquals("12", env.get("MITOGEN_MAX_INTERPRETERS"));
            assertEquals("3", env.get("MITOGEN_POOL_SIZE"));
            assertEquals("true", env.get("ANSIBLE_FORCE_COLOR"));
            assertEquals("False", env.get("ANSIBLE_HOST_KEY_CHECKING"));
        }
    }

    @Test
    public void secretsGoToPrivateFilesNeverToArgv() throws IOException {
        RunCredentials creds = RunCredentials.password("deploy", "pa ss'word").withVaultPassword("vault-pw");
        PlaybookOptions o = PlaybookOptions.builder("site.yml").inventoryContent("[web]\nh1 ansible_password=x\n")
                .extraVars(Map.of("token", new SecretValue("tok-123"), "list", List.of(1, 2))).build();
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            PreparedCommand c = new CommandLineBuilder(o).credentials(creds).engine(ENGINE).build(s);
            String argv = String.join(" ", c.argv()) + c.env();
            for (String secret : List.of("pa ss'word", "vault-pw", "tok-123", "ansible_password=x")) {
                assertFalse(secret + " leaked: " + argv, argv.contains(secret));
            }
            assertEquals(List.of("pa ss'word", "vault-pw", "tok-123").stream().sorted().toList(),
                    c.secrets().stream().sorted().toList());
            List<String> a = c.argv();
            assertEquals("deploy", a.get(a.indexOf("-u") + 1));
            Path inv = Path.of(a.get(a.indexOf("-i") + 1));
            assertTrue(inv.startsWith(s.dir()));
            assertEquals("[web]\nh1 ansible_password=x\n", Files.readString(inv));
            Path vault = Path.of(a.get(a.indexOf("--vault-password-file") + 1));
            assertEquals("vault-pw", Files.readString(vault));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(vault)));
            List<String> varFiles = a.stream().filter(x -> x.startsWith("@")).toList();
            assertEquals(2, varFiles.size());
            ObjectMapper json = new ObjectMapper();
            // Credentials first, so that a user's own extraVars can still override them.
            assertEquals("pa ss'word",
                    json.readTree(Path.of(varFiles.get(0).substring(1)).toFile()).get("ansible_password").asText());
            assertEquals("tok-123", json.readTree(Path.of(varFiles.get(1).substring(1)).toFile()).get("token").asText());
        }
    }

    @Test
    public void sshKeysAreWrittenEachEndingInANewlineAndPercentIsEscaped() throws IOException {
        RunCredentials creds = RunCredentials.sshKey("deploy", List.of(KEY, KEY + "\n"), "phrase");
        // Multibranch workspaces and temp dirs can contain %2F, which ssh would expand as a token.
        Path parent = tmp.newFolder("multi%2Fbranch").toPath();
        try (SecretFiles s = SecretFiles.create(parent, null)) {
            PreparedCommand c = new CommandLineBuilder(PlaybookOptions.builder("site.yml").build())
                    .credentials(creds).engine(ENGINE).build(s);
            List<String> a = c.argv();
            String keyArg = a.get(a.indexOf("--private-key") + 1);
            assertTrue(keyArg, keyArg.contains("multi%%2Fbranch"));
            Path key = Path.of(keyArg.replace("%%", "%"));
            assertEquals(KEY + "\n" + KEY + "\n", Files.readString(key));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertEquals("deploy", a.get(a.indexOf("-u") + 1));
            String vars = Files.readString(Path.of(a.get(a.indexOf("-e") + 1).substring(1)));
            assertTrue(vars, vars.contains("\"ansible_ssh_private_key_passphrase\":\"phrase\""));
            assertFalse(String.join(" ", a).contains("phrase"));
        }
    }

    @Test
    public void aBecomePasswordBesideAKeyAndSeveralVaultIds() throws IOException {
        RunCredentials creds = RunCredentials.sshKey("deploy", List.of(KEY), null).withBecomePassword("sudo-pw")
                .withVaultId("prod", "prod-pw").withVaultId("dev", "dev-pw");
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            PreparedCommand c = new CommandLineBuilder(PlaybookOptions.builder("site.yml").become(true).build())
                    .credentials(creds).engine(ENGINE).build(s);
            List<String> a = c.argv();
            assertTrue(a.contains("--private-key"));
            assertFalse("no prompt for the become password", a.contains("-K"));
            String vars = Files.readString(Path.of(a.get(a.indexOf("-e") + 1).substring(1)));
            assertEquals("{\"ansible_become_password\":\"sudo-pw\"}", vars);
            int prod = a.indexOf("--vault-id");
            int dev = a.lastIndexOf("--vault-id");
            assertTrue(a.get(prod + 1), a.get(prod + 1).startsWith("prod@" + s.dir()));
            assertTrue(a.get(dev + 1), a.get(dev + 1).startsWith("dev@" + s.dir()));
            assertEquals("prod-pw", Files.readString(Path.of(a.get(prod + 1).substring("prod@".length()))));
            assertEquals("dev-pw", Files.readString(Path.of(a.get(dev + 1).substring("dev@".length()))));
            for (String secret : List.of("sudo-pw", "prod-pw", "dev-pw")) {
                assertFalse(String.join(" ", a).contains(secret));
                assertTrue(c.secrets().contains(secret));
            }
        }
    }

    @Test
    public void anAdhocCommandRunsAnsibleWithTheSameOptions() throws IOException {
        PlaybookOptions o = PlaybookOptions.adhocBuilder(new AdhocCommand("web*", "shell", "uptime -p"))
                .inventory("hosts.ini").become(true).becomeUser("app").forks(3).verbosity(1)
                .extraVars(Map.of("pw", new SecretValue("s3"))).extras("--one-line").build();
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            PreparedCommand c = new CommandLineBuilder(o).credentials(RunCredentials.password("deploy", "pw"))
                    .engine(ENGINE).build(s);
            List<String> a = c.argv();
            assertEquals(List.of("ansible", "web*", "-m", "shell", "-a", "uptime -p", "-i", "hosts.ini", "-b",
                    "--become-user", "app", "-f", "3", "-v", "-u", "deploy", "-e"), a.subList(0, 17));
            assertEquals("--one-line", a.get(a.size() - 1));
            assertEquals("mitogen_linear", c.env().get("ANSIBLE_STRATEGY"));
            assertTrue(c.secrets().contains("s3"));
        }
        assertEquals("/opt/venv/bin/ansible", new CommandLineBuilder(PlaybookOptions.adhocBuilder(
                new AdhocCommand("all", null, null)).build()).executable("/opt/venv/bin/ansible").engine(ENGINE)
                .build(SecretFiles.create(tmp.getRoot().toPath(), null)).argv().get(0));
    }

    @Test
    public void anAdhocCommandNeedsHostsAndHasNoTags() {
        List<String> errors = OptionsValidator.validate(PlaybookOptions.adhocBuilder(new AdhocCommand(" ", "ping",
                null)).tags("deploy").startAtTask("x").build()).errors();
        assertEquals(List.of("hosts is required (a host pattern such as all or web*)",
                "tags does not apply to an ad-hoc command (ansibleMitogenAdhoc)",
                "startAtTask does not apply to an ad-hoc command (ansibleMitogenAdhoc)"), errors);
    }

    @Test
    public void vaultIdsAreChecked() {
        List<String> errors = OptionsValidator.validate(PlaybookOptions.builder("site.yml").vaultCredentials(List.of(
                new VaultCredential("prod", "a"), new VaultCredential("prod", "b"), new VaultCredential("x@y", "c"),
                new VaultCredential("dev", null))).build()).errors();
        assertEquals(errors.toString(), 3, errors.size());
        assertTrue(errors.get(0), errors.get(0).contains("vaultCredentials[1]: vaultId 'prod' is given twice"));
        assertTrue(errors.get(1), errors.get(1).contains("vaultCredentials[2]: vaultId 'x@y' is not a vault id"));
        assertTrue(errors.get(2), errors.get(2).contains("vaultCredentials[3]: credentialsId is required"));
    }

    @Test(expected = IllegalArgumentException.class)
    public void invalidOptionsAreRefusedBeforeAnyFileIsWritten() throws IOException {
        try (SecretFiles s = SecretFiles.create(tmp.getRoot().toPath(), null)) {
            new CommandLineBuilder(PlaybookOptions.builder("site.yml").verbosity(9).build()).engine(ENGINE).build(s);
        }
    }
}
