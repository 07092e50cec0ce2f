package io.jenkins.plugins.ansiblemitogen;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import hudson.util.Secret;
import io.ansiblemitogen.jenkins.PlaybookOptions;
import io.ansiblemitogen.jenkins.RunCredentials;
import io.ansiblemitogen.jenkins.VaultCredential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Looks credentials up for a build with {@code findCredentialById} (which honours credential parameters and the
 * triggering user's permissions) and turns them into plain values for the agent side.
 */
final class CredentialsResolver {
    private CredentialsResolver() {
    }

    static RunCredentials resolve(Run<?, ?> run, PlaybookOptions options) throws IOException {
        RunCredentials result = resolve(run, options.credentialsId(), options.vaultCredentialsId());
        if (options.becomeCredentialsId() != null && options.become()) {
            result = result.withBecomePassword(becomePassword(run, options.becomeCredentialsId()));
        }
        for (VaultCredential v : options.vaultCredentials()) {
            StandardCredentials c = find(run, v.credentialsId(), "vaultCredentials '" + v.vaultId() + "'");
            result = result.withVaultId(v.vaultId(), vaultPassword("vaultCredentials '" + v.vaultId() + "'", c));
        }
        return result;
    }

    /** A Username with password (its password) or a Secret text. */
    private static String becomePassword(Run<?, ?> run, String id) throws IOException {
        StandardCredentials c = find(run, id, "becomeCredentialsId");
        if (c instanceof StandardUsernamePasswordCredentials pw) {
            return pw.getPassword().getPlainText();
        }
        if (c instanceof StringCredentials s) {
            return s.getSecret().getPlainText();
        }
        throw new AbortException("becomeCredentialsId '" + id + "' is a " + c.getClass().getSimpleName()
                + "; use a username with password or a secret text");
    }

    private static StandardCredentials find(Run<?, ?> run, String id, String option) throws IOException {
        StandardCredentials c = CredentialsProvider.findCredentialById(id, StandardCredentials.class, run);
        if (c == null) {
            throw new AbortException(option + ": no credential with ID '" + id + "' is available to this build");
        }
        CredentialsProvider.track(run, c);
        return c;
    }

    private static RunCredentials resolve(Run<?, ?> run, String credentialsId, String vaultCredentialsId)
            throws IOException {
        RunCredentials result = RunCredentials.NONE;
        if (credentialsId != null) {
            StandardUsernameCredentials c =
                    CredentialsProvider.findCredentialById(credentialsId, StandardUsernameCredentials.class, run);
            if (c == null) {
                throw new AbortException("credentialsId '" + credentialsId + "': no SSH key or username/password"
                        + " credential with this ID is available to this build");
            }
            CredentialsProvider.track(run, c);
            if (c instanceof SSHUserPrivateKey key) {
                result = RunCredentials.sshKey(key.getUsername(), key.getPrivateKeys(), Secret.toString(key.getPassphrase()));
            } else if (c instanceof StandardUsernamePasswordCredentials pw) {
                result = RunCredentials.password(pw.getUsername(), pw.getPassword().getPlainText());
            } else {
                throw new AbortException("credentialsId '" + credentialsId + "' is a " + c.getClass().getSimpleName()
                        + "; use an SSH private key or a username with password");
            }
        }
        if (vaultCredentialsId != null) {
            StandardCredentials v =
                    CredentialsProvider.findCredentialById(vaultCredentialsId, StandardCredentials.class, run);
            if (v == null) {
                throw new AbortException("vaultCredentialsId '" + vaultCredentialsId + "': no credential with this ID"
                        + " is available to this build");
            }
            CredentialsProvider.track(run, v);
            result = result.withVaultPassword(vaultPassword("vaultCredentialsId '" + vaultCredentialsId + "'", v));
        }
        return result;
    }

    private static String vaultPassword(String what, StandardCredentials v) throws IOException {
        if (v instanceof StringCredentials s) {
            return s.getSecret().getPlainText();
        }
        if (v instanceof FileCredentials f) {
            try (InputStream in = f.getContent()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        throw new AbortException(what + " is a " + v.getClass().getSimpleName()
                + "; use a secret text or a secret file");
    }
}
