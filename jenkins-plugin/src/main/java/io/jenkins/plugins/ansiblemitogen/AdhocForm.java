package io.jenkins.plugins.ansiblemitogen;

import io.ansiblemitogen.jenkins.AdhocCommand;
import io.ansiblemitogen.jenkins.OptionsValidator;
import io.ansiblemitogen.jenkins.PlaybookOptions;
import io.ansiblemitogen.jenkins.VaultCredential;
import java.util.List;
import java.util.Map;

/**
 * What the ad-hoc step and the ad-hoc builder share: their fields' help (the playbook step's files, except for
 * the ad-hoc ones) and the conversion to {@link PlaybookOptions}, so that the two differ only in how extraVars
 * is written (a map, or a JSON text).
 */
final class AdhocForm {
    /** The fields of {@code AnsibleMitogenAdhocStep/fields.jelly}. */
    static final List<String> FIELDS = List.of(
            "hosts", "module", "moduleArguments", "inventory", "inventoryContent", "dynamicInventory",
            "credentialsId", "vaultCredentialsId", "vaultCredentials", "become", "becomeUser", "becomeCredentialsId",
            "checkMode", "diffMode", "installation", "ansiblePath", "forks", "verbosity", "extras", "colorized",
            "disableHostKeyChecking");
    /** Those with help of their own, in {@code AnsibleMitogenAdhocStep/}; the others share the playbook step's. */
    static final List<String> OWN_HELP = List.of("hosts", "module", "moduleArguments", "ansiblePath");

    private AdhocForm() {
    }

    /**
     * Redirects help to where the files are: the playbook step's for the common fields, the ad-hoc step's for
     * the ad-hoc ones ({@code ownFilesHere} is true for the ad-hoc step itself, which holds them).
     */
    static void shareHelp(HelpRedirect descriptor, boolean ownFilesHere) {
        for (String f : FIELDS) {
            if (!OWN_HELP.contains(f)) {
                descriptor.redirect(f, AnsibleMitogenStep.class);
            } else if (!ownFilesHere) {
                descriptor.redirect(f, AnsibleMitogenAdhocStep.class);
            }
        }
        if (!ownFilesHere) {
            descriptor.redirect(null, AnsibleMitogenAdhocStep.class);
        }
        // A map in Pipeline, a JSON text in freestyle: as for the playbook step and builder.
        descriptor.redirect("extraVars", ownFilesHere ? AnsibleMitogenStep.class : AnsibleMitogenBuilder.class);
    }

    /** {@code Descriptor.addHelpFileRedirect} is protected: a descriptor passes it in through this. */
    interface HelpRedirect {
        void redirect(String field, Class<? extends hudson.model.Describable> owner);
    }

    /** The values both ad-hoc classes hold, in the order of their fields. */
    record Values(String hosts, String module, String moduleArguments, String inventory, String inventoryContent,
            boolean dynamicInventory, String credentialsId, String vaultCredentialsId,
            List<VaultCredential> vaultCredentials, boolean become, String becomeUser, String becomeCredentialsId,
            boolean checkMode, boolean diffMode, String installation, String ansiblePath, int forks,
            Integer verbosity, Map<String, Object> extraVars, String extras, boolean colorized,
            boolean disableHostKeyChecking) {
        PlaybookOptions toOptions() {
            return PlaybookOptions.adhocBuilder(new AdhocCommand(hosts, module, moduleArguments)).inventory(inventory)
                    .inventoryContent(inventoryContent).dynamicInventory(dynamicInventory).credentialsId(credentialsId)
                    .vaultCredentialsId(vaultCredentialsId).vaultCredentials(vaultCredentials).become(become)
                    .becomeUser(becomeUser).becomeCredentialsId(becomeCredentialsId).checkMode(checkMode)
                    .diffMode(diffMode).installation(installation).ansiblePlaybookPath(ansiblePath).forks(forks)
                    .verbosity(verbosity).extraVars(extraVars).extras(extras).colorized(colorized)
                    .disableHostKeyChecking(disableHostKeyChecking).build();
        }
    }

    static hudson.util.FormValidation checkHosts(String value) {
        return FormSupport.of(OptionsValidator.checkHosts(value));
    }
}
