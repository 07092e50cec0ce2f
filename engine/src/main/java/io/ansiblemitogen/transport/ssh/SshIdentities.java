package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.TransportException;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/**
 * Private keys for public key authentication: the IdentityFile list when there is one, else ssh's default
 * files ({@code ~/.ssh/id_*}). A key named explicitly that cannot be decrypted is an error naming the file; a
 * default key that needs a passphrase nobody gave is skipped, as ssh without a terminal would.
 */
final class SshIdentities {
    static final List<String> DEFAULT_FILES = List.of("~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519",
            "~/.ssh/id_dsa");

    record Loaded(List<KeyPair> keys, List<String> notes) {
    }

    private SshIdentities() {
    }

    /**
     * @param files expanded IdentityFile paths; empty to use the default files
     * @param passphrase {@code private_key_passphrase}, tried for every encrypted key; may be null
     */
    static Loaded load(List<Path> files, String passphrase) throws TransportException {
        boolean explicit = !files.isEmpty();
        List<Path> paths = new ArrayList<>(files);
        if (!explicit) {
            for (String f : DEFAULT_FILES) {
                paths.add(Path.of(SshOptions.expandHome(f)));
            }
        }
        List<KeyPair> keys = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isRegularFile(p)) {
                if (explicit) {
                    notes.add("identity file " + p + " not found");
                }
                continue;
            }
            try {
                keys.addAll(read(p, passphrase));
            } catch (NoPassphrase e) {
                if (explicit) {
                    throw new TransportException("private key " + p + " is protected by a passphrase and none was"
                            + " given (set ansible_ssh_private_key_passphrase or use an ssh-agent-free key)");
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                if (explicit) {
                    String why = passphrase != null ? "wrong passphrase or unreadable key" : "unreadable key";
                    throw new TransportException("cannot use private key " + p + ": " + why + " ("
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
                }
                notes.add("skipped " + p + ": " + e.getMessage());
            }
        }
        return new Loaded(keys, notes);
    }

    private static List<KeyPair> read(Path p, String passphrase)
            throws IOException, GeneralSecurityException, NoPassphrase {
        FilePasswordProvider provider = passphrase != null ? FilePasswordProvider.of(passphrase)
                : (session, resource, retry) -> {
                    throw new NoPassphrase();
                };
        List<KeyPair> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(p)) {
            Iterable<KeyPair> ids = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(p.toString()),
                    in, provider);
            if (ids == null) {
                throw new IOException("no private key found in the file");
            }
            ids.forEach(out::add);
        } catch (IOException e) {
            if (e instanceof NoPassphrase np) {
                throw np;
            }
            if (e.getCause() instanceof NoPassphrase np) {
                throw np;
            }
            throw e;
        }
        if (out.isEmpty()) {
            throw new IOException("no private key found in the file");
        }
        return out;
    }

    /** Thrown by the passphrase provider when a key turns out to be encrypted and there is no passphrase. */
    private static final class NoPassphrase extends IOException {
        NoPassphrase() {
            super("passphrase required");
        }
    }
}
