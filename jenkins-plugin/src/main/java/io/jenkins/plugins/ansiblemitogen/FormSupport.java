package io.jenkins.plugins.ansiblemitogen;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.ansiblemitogen.jenkins.ExtraVarsParser;
import io.ansiblemitogen.jenkins.OptionsValidator;
import io.ansiblemitogen.jenkins.Strategy;
import io.ansiblemitogen.jenkins.TaskIsolation;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Form filling and checking shared by the descriptors of the step, the builder and the options block, so the
 * three forms behave the same. Messages come from jenkins-support's {@link OptionsValidator}.
 */
final class FormSupport {
    static final CredentialsMatcher SSH_OR_PASSWORD = CredentialsMatchers.anyOf(
            CredentialsMatchers.instanceOf(SSHUserPrivateKey.class),
            CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class));
    /** A become password: a username/password's password, or a secret text. */
    static final CredentialsMatcher BECOME = CredentialsMatchers.anyOf(
            CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class),
            CredentialsMatchers.instanceOf(StringCredentials.class));
    static final CredentialsMatcher VAULT = CredentialsMatchers.anyOf(
            CredentialsMatchers.instanceOf(StringCredentials.class),
            CredentialsMatchers.instanceOf(FileCredentials.class));

    /**
     * The fields of {@code AnsibleMitogenStep/fields.jelly}, which the step and the builder share, with their
     * help files (in the step's resources; the builder's descriptor redirects to them).
     */
    static final List<String> SHARED_FIELDS = List.of(
            "playbook", "inventory", "inventoryContent", "dynamicInventory", "credentialsId",
            "vaultCredentialsId", "vaultCredentials", "become", "becomeUser", "becomeCredentialsId", "limit",
            "tags", "skippedTags", "startAtTask",
            "checkMode", "diffMode", "installation", "ansiblePlaybookPath", "forks", "verbosity",
            "taskIsolation", "strategy", "maxInterpreters", "poolSize", "extras", "colorized",
            "disableHostKeyChecking");

    private FormSupport() {
    }

    /** Makes {@code descriptor} serve the step's help for the shared fields and for itself. */
    static void shareStepHelp(HelpRedirects descriptor) {
        descriptor.redirect(null);
        SHARED_FIELDS.forEach(descriptor::redirect);
    }

    /** {@code Descriptor.addHelpFileRedirect} is protected: a descriptor passes it in through this. */
    interface HelpRedirects {
        void redirect(String field);
    }

    /** SECURITY-1943: only users who may configure the item (or use its credentials) see the list. */
    static boolean mayList(Item item) {
        return item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                : item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
    }

    static ListBoxModel credentials(Item item, String current, Class<? extends StandardCredentials> type,
            CredentialsMatcher matcher) {
        StandardListBoxModel result = new StandardListBoxModel();
        if (!mayList(item)) {
            return result.includeCurrentValue(current);
        }
        return result.includeEmptyValue()
                .includeMatchingAs(item instanceof Queue.Task t ? Tasks.getAuthenticationOf2(t) : ACL.SYSTEM2,
                        item, type, List.of(), matcher)
                .includeCurrentValue(current);
    }

    static ListBoxModel sshCredentials(Item item, String current) {
        return credentials(item, current, StandardUsernameCredentials.class, SSH_OR_PASSWORD);
    }

    static ListBoxModel becomeCredentials(Item item, String current) {
        return credentials(item, current, StandardCredentials.class, BECOME);
    }

    static ListBoxModel vaultCredentials(Item item, String current) {
        return credentials(item, current, StandardCredentials.class, VAULT);
    }

    static FormValidation checkCredentialsId(Item item, String value, Class<? extends StandardCredentials> type,
            CredentialsMatcher matcher) {
        if (!mayList(item)) {
            return FormValidation.ok();
        }
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        if (value.contains("${")) {
            return FormValidation.warning("Cannot check an ID that contains a variable; it is resolved when the build runs");
        }
        boolean found = !CredentialsProvider.listCredentialsInItem(type, item,
                item instanceof Queue.Task t ? Tasks.getAuthenticationOf2(t) : ACL.SYSTEM2, List.of(),
                CredentialsMatchers.allOf(matcher, CredentialsMatchers.withId(value))).isEmpty();
        return found ? FormValidation.ok() : FormValidation.error("No matching credential with ID '" + value + "'");
    }

    static ListBoxModel taskIsolationItems() {
        ListBoxModel m = new ListBoxModel();
        m.add("(inherit: enclosing block, else isolated)", "");
        for (TaskIsolation t : TaskIsolation.values()) {
            m.add(t.value());
        }
        return m;
    }

    static ListBoxModel strategyItems() {
        ListBoxModel m = new ListBoxModel();
        m.add("(inherit: enclosing block, else linear)", "");
        for (Strategy s : Strategy.values()) {
            m.add(s.value());
        }
        return m;
    }

    static FormValidation of(String error) {
        return error == null ? FormValidation.ok() : FormValidation.error(error);
    }

    static FormValidation checkPlaybook(String value) {
        return of(OptionsValidator.checkPlaybook(value));
    }

    static FormValidation checkExtras(String value) {
        return of(OptionsValidator.checkExtras(value));
    }

    static FormValidation checkExtraVarsJson(String value) {
        return of(ExtraVarsParser.check(value));
    }

    static FormValidation checkVerbosity(String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        return FormValidation.validateIntegerInRange(value, 0, OptionsValidator.MAX_VERBOSITY);
    }

    static FormValidation checkPositiveOrEmpty(String value) {
        return value == null || value.isBlank() ? FormValidation.ok() : FormValidation.validatePositiveInteger(value);
    }

    static FormValidation checkForks(String value) {
        return value == null || value.isBlank() ? FormValidation.ok() : FormValidation.validateNonNegativeInteger(value);
    }
}
