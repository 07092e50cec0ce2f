package io.ansiblemitogen.testkit;

import java.nio.file.Path;
import java.util.List;

/** Throwaway OpenSSH key pairs made by the real ssh-keygen, as users make theirs. */
public final class SshKeys {
    private SshKeys() {
    }

    /** Writes an ed25519 pair at {@code key} and {@code key.pub}; an empty passphrase leaves the key unencrypted. */
    public static void ed25519(Path key, String passphrase, String comment) {
        Procs.check(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", comment,
                "-f", key.toString()), null);
    }

    /** The public half ssh-keygen wrote beside {@code key}. */
    public static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }
}
