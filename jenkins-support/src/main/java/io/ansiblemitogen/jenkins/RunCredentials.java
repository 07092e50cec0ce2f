package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The secrets of one run after the Jenkins adapter looked them up: an SSH key or a username/password for the
 * targets, and a vault password. Plain values so the agent side needs no Jenkins types; {@link #toString()}
 * never prints them.
 */
public final class RunCredentials implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final RunCredentials NONE = new RunCredentials(null, new ArrayList<>(), null, null, null, null,
            new LinkedHashMap<>());

    private final String username;
    private final List<String> privateKeys;
    private final String passphrase;
    private final String password;
    private final String vaultPassword;
    private final String becomePassword;
    private final LinkedHashMap<String, String> vaultIds;

    private RunCredentials(String username, List<String> privateKeys, String passphrase, String password,
            String vaultPassword, String becomePassword, Map<String, String> vaultIds) {
        this.username = username;
        this.privateKeys = new ArrayList<>(privateKeys); // plain ArrayList: crosses remoting (JEP-200)
        this.passphrase = passphrase;
        this.password = password;
        this.vaultPassword = vaultPassword;
        this.becomePassword = becomePassword;
        this.vaultIds = new LinkedHashMap<>(vaultIds);
    }

    /** An SSH key credential; Jenkins may hold several keys for one credential. */
    public static RunCredentials sshKey(String username, List<String> privateKeys, String passphrase) {
        if (privateKeys == null || privateKeys.isEmpty()) {
            throw new IllegalArgumentException("the SSH credential for user '" + username + "' holds no private key");
        }
        return new RunCredentials(username, new ArrayList<>(privateKeys), emptyToNull(passphrase), null, null, null,
                Map.of());
    }

    public static RunCredentials password(String username, String password) {
        return new RunCredentials(username, List.of(), null, Objects.requireNonNull(password, "password"), null, null,
                Map.of());
    }

    /** This plus a vault password. */
    public RunCredentials withVaultPassword(String vault) {
        return new RunCredentials(username, privateKeys, passphrase, password, vault, becomePassword, vaultIds);
    }

    /** This plus the password for become (sudo, su...), beside an SSH key or login password. */
    public RunCredentials withBecomePassword(String become) {
        return new RunCredentials(username, privateKeys, passphrase, password, vaultPassword,
                Objects.requireNonNull(become, "become password"), vaultIds);
    }

    /** This plus the password of one more vault id. */
    public RunCredentials withVaultId(String id, String vault) {
        Map<String, String> ids = new LinkedHashMap<>(vaultIds);
        ids.put(Objects.requireNonNull(id, "vault id"), Objects.requireNonNull(vault, "vault password"));
        return new RunCredentials(username, privateKeys, passphrase, password, vaultPassword, becomePassword, ids);
    }

    public String username() { return username; }
    public List<String> privateKeys() { return java.util.Collections.unmodifiableList(privateKeys); }
    public String passphrase() { return passphrase; }
    public String password() { return password; }
    public String vaultPassword() { return vaultPassword; }
    public String becomePassword() { return becomePassword; }
    /** Vault id to password, in the order given. */
    public Map<String, String> vaultIds() { return java.util.Collections.unmodifiableMap(vaultIds); }

    public boolean hasKey() {
        return !privateKeys.isEmpty();
    }

    /** Every secret, for masking in the console. */
    public Set<String> secrets() {
        Set<String> s = new LinkedHashSet<>();
        if (passphrase != null) {
            s.add(passphrase);
        }
        if (password != null) {
            s.add(password);
        }
        if (vaultPassword != null) {
            s.add(vaultPassword);
        }
        if (becomePassword != null) {
            s.add(becomePassword);
        }
        s.addAll(vaultIds.values());
        return s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return "RunCredentials{user=" + username + ", keys=" + privateKeys.size() + ", passphrase="
                + (passphrase != null) + ", password=" + (password != null) + ", vault=" + (vaultPassword != null) + ", become="
                + (becomePassword != null) + ", vaultIds=" + vaultIds.keySet() + "}";
    }
}
