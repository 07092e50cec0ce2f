package io.jenkins.plugins.ansiblemitogen;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.ansiblemitogen.jenkins.OptionsValidator;
import io.ansiblemitogen.jenkins.VaultCredential;
import java.util.List;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * One entry of {@code vaultCredentials: [[vaultId: 'prod', credentialsId: 'prod-vault'], ...]}: a vault id and the
 * secret text or secret file holding its password, passed as {@code --vault-id prod@FILE}.
 */
public final class VaultIdCredential extends AbstractDescribableImpl<VaultIdCredential> {
    private final String vaultId;
    private final String credentialsId;

    @DataBoundConstructor
    public VaultIdCredential(String vaultId, String credentialsId) {
        this.vaultId = Util.fixEmptyAndTrim(vaultId);
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getVaultId() { return vaultId; }
    public String getCredentialsId() { return credentialsId; }

    static List<VaultCredential> toSupport(List<VaultIdCredential> entries) {
        return entries == null ? List.of()
                : entries.stream().map(e -> new VaultCredential(e.vaultId, e.credentialsId)).toList();
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<VaultIdCredential> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Vault id";
        }

        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return FormSupport.vaultCredentials(item, credentialsId);
        }

        @POST
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.checkCredentialsId(item, value,
                    com.cloudbees.plugins.credentials.common.StandardCredentials.class, FormSupport.VAULT);
        }

        public FormValidation doCheckVaultId(@QueryParameter String value) {
            return FormSupport.of(OptionsValidator.checkVaultCredentials(List.of(new VaultCredential(value, "x")))
                    .stream().findFirst().orElse(null));
        }
    }
}
