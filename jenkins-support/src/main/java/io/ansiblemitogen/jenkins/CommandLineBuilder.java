package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds the ansible-playbook argv and environment for one run through the engine. Secrets go to files in a
 * {@link SecretFiles} directory and only their paths reach argv, so nothing secret shows in {@code ps}.
 */
public final class CommandLineBuilder {
    public static final String DEFAULT_EXECUTABLE = "ansible-playbook";
    public static final String DEFAULT_ADHOC_EXECUTABLE = "ansible";

    private final PlaybookOptions options;
    private String executable;
    private RunCredentials credentials = RunCredentials.NONE;
    private EngineEndpoint engine;
    private Map<String, String> baseEnv = Map.of();

    /** {@code options} are the effective ones, already merged with the enclosing block (see {@link OptionMerger#effective}). */
    public CommandLineBuilder(PlaybookOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The ansible-playbook (or for an ad-hoc run, ansible) to run: a path, or {@code null} for the one on PATH. */
    public CommandLineBuilder executable(String exe) {
        this.executable = exe == null || exe.isBlank() ? null : exe;
        return this;
    }

    public CommandLineBuilder credentials(RunCredentials c) {
        this.credentials = c == null ? RunCredentials.NONE : c;
        return this;
    }

    public CommandLineBuilder engine(EngineEndpoint e) {
        this.engine = e;
        return this;
    }

    /** The environment the process would inherit; used to keep a user's own strategy plugin directories. */
    public CommandLineBuilder baseEnvironment(Map<String, String> env) {
        this.baseEnv = env == null ? Map.of() : env;
        return this;
    }

    public PreparedCommand build(SecretFiles secrets) throws IOException {
        Objects.requireNonNull(engine, "engine endpoint");
        OptionsValidator.validate(options).throwIfInvalid();
        Set<String> masks = new LinkedHashSet<>(credentials.secrets());
        masks.addAll(ExtraVarsEncoder.secrets(options.extraVars()));

        List<String> a = new ArrayList<>();
        AdhocCommand adhoc = options.adhoc();
        if (adhoc == null) {
            a.add(executable != null ? executable : DEFAULT_EXECUTABLE);
            a.add(options.playbook());
        } else {
            a.add(executable != null ? executable : DEFAULT_ADHOC_EXECUTABLE);
            a.add(adhoc.hosts());
            addPair(a, "-m", adhoc.module());
            addPair(a, "-a", adhoc.moduleArguments());
        }
        if (options.inventory() != null) {
            a.add("-i");
            a.add(options.inventory());
        } else if (options.inventoryContent() != null) {
            // Inline inventories often carry ansible_password & co., so they live with the other secrets.
            Path inv = options.dynamicInventory()
                    ? secrets.writeExecutable("inventory", options.inventoryContent())
                    : secrets.writeText("inventory.ini", options.inventoryContent());
            a.add("-i");
            a.add(inv.toString());
        }
        addPair(a, "-l", options.limit());
        addPair(a, "-t", options.tags());
        addPair(a, "--skip-tags", options.skippedTags());
        addPair(a, "--start-at-task", options.startAtTask());
        if (options.become()) {
            a.add("-b");
            addPair(a, "--become-user", options.becomeUser());
        }
        if (options.checkMode()) {
            a.add("--check");
        }
        if (options.diffMode()) {
            a.add("--diff");
        }
        if (options.forks() > 0) {
            a.add("-f");
            a.add(Integer.toString(options.forks()));
        }
        Integer v = options.verbosity();
        if (v != null && v > 0) {
            a.add("-" + "v".repeat(v));
        }
        addCredentials(a, secrets);
        if (credentials.vaultPassword() != null) {
            // 0600, not executable: Ansible would run an executable vault file as a script.
            Path vault = secrets.writeText("vault-password", credentials.vaultPassword());
            a.add("--vault-password-file");
            a.add(vault.toString());
        }
        int n = 0;
        for (Map.Entry<String, String> id : credentials.vaultIds().entrySet()) {
            // Named by position, not by id: an id is the user's text, a file name must stay plain.
            Path vault = secrets.writeText("vault-password-" + ++n, id.getValue());
            a.add("--vault-id");
            a.add(id.getKey() + "@" + vault);
        }
        if (!options.extraVars().isEmpty()) {
            Path vars = secrets.writeText("extra-vars.json", ExtraVarsEncoder.toJson(options.extraVars()));
            a.add("-e");
            a.add("@" + vars);
        }
        a.addAll(ShellTokenizer.tokenize(options.extras()));
        return new PreparedCommand(a, environment(), masks);
    }

    private void addCredentials(List<String> a, SecretFiles secrets) throws IOException {
        Map<String, Object> secretVars = new LinkedHashMap<>();
        if (credentials.hasKey()) {
            StringBuilder keys = new StringBuilder();
            for (String k : credentials.privateKeys()) {
                // Concatenated keys without a newline between them are unreadable (an old plugin bug).
                keys.append(k);
                if (!k.endsWith("\n")) {
                    keys.append('\n');
                }
            }
            Path key = secrets.write("ssh-key", keys.toString().getBytes(StandardCharsets.UTF_8));
            a.add("--private-key");
            a.add(escapeSshTokens(key.toString()));
            if (credentials.passphrase() != null) {
                secretVars.put("ansible_ssh_private_key_passphrase", credentials.passphrase());
            }
        }
        if (credentials.password() != null) {
            secretVars.put("ansible_password", credentials.password());
        }
        if (credentials.becomePassword() != null) {
            secretVars.put("ansible_become_password", credentials.becomePassword());
        }
        if (credentials.username() != null && !credentials.username().isEmpty()) {
            a.add("-u");
            a.add(credentials.username());
        }
        if (!secretVars.isEmpty()) {
            Path f = secrets.writeText("credential-vars.json", ExtraVarsEncoder.toJson(secretVars));
            a.add("-e");
            a.add("@" + f);
        }
    }

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        String plugins = engine.pluginPath();
        String existing = baseEnv.get("ANSIBLE_STRATEGY_PLUGINS");
        if (existing != null && !existing.isBlank() && !existing.equals(plugins)) {
            plugins = plugins + ":" + existing;
        }
        env.put("ANSIBLE_STRATEGY_PLUGINS", plugins);
        // The connection plugins beside the strategies: a play that names its own strategy (`strategy: free`)
        // still goes through the engine (docs/ansible-plugin.md "Modes").
        Path connections = Path.of(engine.pluginPath()).resolveSibling("connection");
        String existingConnections = baseEnv.get("ANSIBLE_CONNECTION_PLUGINS");
        env.put("ANSIBLE_CONNECTION_PLUGINS", existingConnections == null || existingConnections.isBlank()
                ? connections.toString() : connections + ":" + existingConnections);
        Strategy strategy = options.strategy() != null ? options.strategy() : Strategy.LINEAR;
        env.put("ANSIBLE_STRATEGY", strategy.pluginName());
        env.put("ANSIBLE_MITOGEN_SOCKET", engine.socketPath());
        if (options.taskIsolation() != null) {
            env.put("ANSIBLE_MITOGEN_TASK_ISOLATION", options.taskIsolation().value());
        }
        if (options.maxInterpreters() != null) {
            env.put("MITOGEN_MAX_INTERPRETERS", options.maxInterpreters().toString());
        }
        if (options.poolSize() != null) {
            env.put("MITOGEN_POOL_SIZE", options.poolSize().toString());
        }
        if (options.colorized()) {
            env.put("ANSIBLE_FORCE_COLOR", "true");
        }
        if (options.disableHostKeyChecking()) {
            env.put("ANSIBLE_HOST_KEY_CHECKING", "False");
        }
        env.put("PYTHONUNBUFFERED", "1");
        return env;
    }

    private static void addPair(List<String> a, String flag, String value) {
        if (value != null) {
            a.add(flag);
            a.add(value);
        }
    }

    /** ssh(1) expands {@code %} tokens in identity file paths (multibranch workspaces hold {@code %2F}). */
    static String escapeSshTokens(String path) {
        return path.replace("%", "%%");
    }
}
