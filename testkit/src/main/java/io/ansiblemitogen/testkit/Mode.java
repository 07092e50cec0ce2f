package io.ansiblemitogen.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link CorpusRunner} runs ansible-playbook: a name (used in directory names and messages) and what it adds
 * to the common set-up. Stock Ansible adds nothing; an engine run adds its strategy plugin's variables, e.g.
 * {@code Mode.named("engine").withEnv("ANSIBLE_STRATEGY_PLUGINS", dir).withEnv("ANSIBLE_STRATEGY",
 * "mitogen_linear").withEnv("ANSIBLE_MITOGEN_SOCKET", socket)}.
 */
public final class Mode {
    /** Stock ansible-playbook over OpenSSH, with the runner's common settings (pipelining on). */
    public static final Mode STOCK = new Mode("stock", Map.of(), List.of(), null);

    private final String name;
    private final Map<String, String> env;
    private final List<String> args;
    private final List<String> command;

    private Mode(String name, Map<String, String> env, List<String> args, List<String> command) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("mode name must be usable in a file name: " + name);
        }
        this.name = name;
        this.env = Map.copyOf(env);
        this.args = List.copyOf(args);
        this.command = command == null ? null : List.copyOf(command);
    }

    public static Mode named(String name) {
        return new Mode(name, Map.of(), List.of(), null);
    }

    /** A copy with one more environment variable for ansible-playbook. */
    public Mode withEnv(String var, String value) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(var, value);
        return new Mode(name, e, args, command);
    }

    /** A copy with more ansible-playbook arguments (e.g. --check, -v). */
    public Mode withArgs(String... more) {
        List<String> a = new java.util.ArrayList<>(args);
        a.addAll(List.of(more));
        return new Mode(name, env, a, command);
    }

    /** A copy that runs another program in place of ansible-playbook (e.g. a launcher taking its arguments). */
    public Mode withCommand(String... argv) {
        return new Mode(name, env, args, List.of(argv));
    }

    public String name() {
        return name;
    }

    public Map<String, String> env() {
        return env;
    }

    public List<String> args() {
        return args;
    }

    /** The program and leading arguments, or null for ansible-playbook from PATH. */
    public List<String> command() {
        return command;
    }

    @Override
    public String toString() {
        return name;
    }
}
