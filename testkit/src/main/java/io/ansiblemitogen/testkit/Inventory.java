package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * An Ansible inventory built in code and written as a YAML inventory file (in JSON syntax, which YAML reads
 * as is and which needs no quoting rules of ours).
 */
public final class Inventory {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
    private final Map<String, Object> vars = new LinkedHashMap<>();

    /** One host alias per name, each reaching the fixture's sshd as its login user with its unencrypted key. */
    public static Inventory forFixture(SshdFixture sshd, String... aliases) {
        return forFixtureAs(sshd, sshd.userName(), aliases);
    }

    /**
     * Like {@link #forFixture} but logging in as {@code user} (an account from {@link TestAccounts#ensureUser}):
     * a fresh account's dotfiles are Debian's defaults, while the test machine's root may have a ~/.bashrc that
     * bash runs for every ssh command and that writes to stderr (pyenv here).
     */
    public static Inventory forFixtureAs(SshdFixture sshd, String user, String... aliases) {
        Inventory inv = new Inventory();
        for (String alias : aliases.length == 0 ? new String[] {"target"} : aliases) {
            inv.host(alias, fixtureVars(sshd, user));
        }
        return inv;
    }

    /** The connection variables for the fixture: usable for a host alias added by hand. */
    public static Map<String, Object> fixtureVars(SshdFixture sshd) {
        return fixtureVars(sshd, sshd.userName());
    }

    public static Map<String, Object> fixtureVars(SshdFixture sshd, String user) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ansible_connection", "ssh");
        v.put("ansible_host", sshd.host());
        v.put("ansible_port", sshd.port());
        v.put("ansible_user", user);
        v.put("ansible_ssh_private_key_file", sshd.clientKey().toString());
        v.put("ansible_python_interpreter", "/usr/bin/python3");
        // host key checking stays on, against the fixture's own known_hosts, as a user's setup would have it
        v.put("ansible_ssh_common_args", sshd.sshCommonArgs());
        return v;
    }

    /** Adds (or replaces) a host with these variables. */
    public Inventory host(String alias, Map<String, Object> hostVars) {
        hosts.put(alias, new LinkedHashMap<>(hostVars));
        return this;
    }

    /** Sets one variable of an existing host. */
    public Inventory hostVar(String alias, String name, Object value) {
        Map<String, Object> h = hosts.get(alias);
        if (h == null) {
            throw new IllegalArgumentException("no host " + alias);
        }
        h.put(name, value);
        return this;
    }

    /** A variable of group {@code all}. */
    public Inventory var(String name, Object value) {
        vars.put(name, value);
        return this;
    }

    /** An independent copy, to add per-run variables without touching the caller's inventory. */
    public Inventory copy() {
        Inventory c = new Inventory();
        hosts.forEach((h, v) -> c.host(h, v));
        c.vars.putAll(vars);
        return c;
    }

    public Set<String> hosts() {
        return hosts.keySet();
    }

    public Map<String, Object> hostVars(String alias) {
        return hosts.get(alias);
    }

    /** Writes the inventory; the name should end in .yml so the yaml inventory plugin takes it. */
    public Path write(Path file) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("hosts", hosts);
        if (!vars.isEmpty()) {
            all.put("vars", vars);
        }
        try {
            JSON.writeValue(file.toFile(), Map.of("all", all));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write inventory " + file, e);
        }
        return file;
    }
}
