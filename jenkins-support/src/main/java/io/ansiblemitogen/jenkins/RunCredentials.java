package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The secrets of one run after the Jenkins adapter looked them up: an SSH key or a username/password for the
 * targets, and a vault password. Plain values so the agent side needs no Jenkins types; {@link #toString()}
 * never prints them.
 */
public final class RunCredentials implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final RunCredentials NONE = new RunCredentials(null, new ArrayList<>(), null, null, null);

    private final String username;
    private final List<String> privateKeys;
    private final String passphrase;
    private final String password;
    private final String vaultPassword;

    private RunCredentials(String username, List<String> privateKeys, String passphrase, String password,
            String vaultPassword) {
        this.username = username;
        this.privateKeys = new ArrayList<>(privateKeys); // plain ArrayList: crosses remoting (JEP-200)
        this.passphrase = passphrase;
        this.password = password;
        this.vaultPassword = vaultPassword;
    }

    /** An SSH key credential; Jenkins may hold several keys for one credential. */
    public static RunCredentials sshKey(String username, List<String> privateKeys, String passphrase) {
        if (privateKeys == null || privateKeys.isEmpty()) {
            throw new IllegalArgumentException("the SSH credential for user '" + username + "' holds no private key");
        }
        return new RunCredentials(username, new ArrayList<>(privateKeys), emptyToNull(passphrase), null, null);
    }

    public static RunCredentials password(String username, String password) {
        return new RunCredentials(username, List.of(), null, Objects.requireNonNull(password, "password"), null);
    }

    /** This plus a vault password. */
    public RunCredentials withVaultPassword(String vault) {
        return new RunCredentials(username, privateKeys, passphrase, password, vault);
    }

    public String username() { return username; }
    public List<String> privateKeys() { return java.util.Collections.unmodifiableList(privateKeys); }
    public String passphrase() { return passphrase; }
    public String password() { return password; }
    public String vaultPassword() { return vaultPassword; }

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
        return s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return "RunCredentials{user=" + username + ", keys=" + privateKeys.size() + ", passphrase="
                + (passphrase != null) + ", password=" + (password != null) + ", vault=" + (vaultPassword != null) + "}";
    }
}
