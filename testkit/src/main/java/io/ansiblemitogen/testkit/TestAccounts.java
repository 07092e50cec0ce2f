package io.ansiblemitogen.testkit;

import java.util.List;

/** Real local accounts for login and become tests. Needs root (tests here run as root). */
public final class TestAccounts {
    private TestAccounts() {
    }

    /**
     * Makes sure account {@code name} exists with a home directory and a bash shell, and sets its password.
     * Idempotent: an existing account keeps its uid and home, only the password is set again.
     *
     * @param password the new password, or null for "no password": the account can still log in with a key.
     *                 (useradd leaves it locked with '!', and sshd without PAM refuses every login to a locked
     *                 account, keys included; '*' means no password matches but the account is not locked.)
     */
    public static void ensureUser(String name, String password) {
        if (!name.matches("[a-z_][a-z0-9_-]{0,30}")) {
            throw new IllegalArgumentException("not a portable user name: " + name);
        }
        if (!exists(name)) {
            Procs.check(List.of("useradd", "--create-home", "--shell", "/bin/bash", name), null);
        }
        if (password == null) {
            Procs.check(List.of("usermod", "-p", "*", name), null);
        } else {
            if (password.indexOf('\n') >= 0 || password.indexOf(':') >= 0) {
                throw new IllegalArgumentException("password must not hold ':' or a newline");
            }
            // through stdin, so the password never shows in a process list
            Procs.check(List.of("chpasswd"), name + ":" + password + "\n");
        }
    }

    /** As {@link #ensureUser}, with {@code shell} as the account's login shell (set again if it had another). */
    public static void ensureUser(String name, String password, String shell) {
        ensureUser(name, password);
        Procs.check(List.of("usermod", "--shell", shell, name), null);
    }

    public static boolean exists(String name) {
        return Procs.run(List.of("id", "-u", name), null, 10).exitCode() == 0;
    }

    /** Removes the account and its home directory; a missing account is fine. */
    public static void removeUser(String name) {
        if (exists(name)) {
            Procs.run(List.of("userdel", "--remove", name), null, 30);
        }
    }
}
