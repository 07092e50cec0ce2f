package io.jenkins.plugins.ansiblemitogen;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.ansiblemitogen.jenkins.PlaybookOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code ansibleMitogenAdhoc hosts: 'web*', module: 'shell', moduleArguments: 'uptime'}: the Ansible plugin's
 * {@code ansibleAdhoc} through the engine daemon on the agent, with the playbook step's credential handling,
 * secret files and masking. Engine options come from an enclosing {@code mitogen} block.
 */
public final class AnsibleMitogenAdhocStep extends Step {
    private final String hosts;
    private String module;
    private String moduleArguments;
    private String inventory;
    private String inventoryContent;
    private boolean dynamicInventory;
    private String credentialsId;
    private String vaultCredentialsId;
    private List<VaultIdCredential> vaultCredentials;
    private boolean become;
    private String becomeUser;
    private String becomeCredentialsId;
    private boolean checkMode;
    private boolean diffMode;
    private String installation;
    private String ansiblePath;
    private int forks;
    private Integer verbosity;
    private Map<String, Object> extraVars;
    private String extras;
    private boolean colorized;
    private boolean disableHostKeyChecking;

    @DataBoundConstructor
    public AnsibleMitogenAdhocStep(String hosts) {
        this.hosts = Util.fixEmptyAndTrim(hosts);
    }

    public String getHosts() { return hosts; }
    public String getModule() { return module; }
    public String getModuleArguments() { return moduleArguments; }
    public String getInventory() { return inventory; }
    public String getInventoryContent() { return inventoryContent; }
    public boolean isDynamicInventory() { return dynamicInventory; }
    public String getCredentialsId() { return credentialsId; }
    public String getVaultCredentialsId() { return vaultCredentialsId; }
    public List<VaultIdCredential> getVaultCredentials() { return vaultCredentials; }
    public boolean isBecome() { return become; }
    public String getBecomeUser() { return becomeUser; }
    public String getBecomeCredentialsId() { return becomeCredentialsId; }
    public boolean isCheckMode() { return checkMode; }
    public boolean isDiffMode() { return diffMode; }
    public String getInstallation() { return installation; }
    public String getAnsiblePath() { return ansiblePath; }
    public int getForks() { return forks; }
    public Integer getVerbosity() { return verbosity; }
    public Map<String, Object> getExtraVars() { return extraVars; }
    public String getExtras() { return extras; }
    public boolean isColorized() { return colorized; }
    public boolean isDisableHostKeyChecking() { return disableHostKeyChecking; }

    @DataBoundSetter public void setModule(String v) { module = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setModuleArguments(String v) { moduleArguments = Util.fixEmpty(v); }
    @DataBoundSetter public void setInventory(String v) { inventory = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setInventoryContent(String v) { inventoryContent = Util.fixEmpty(v); }
    @DataBoundSetter public void setDynamicInventory(boolean v) { dynamicInventory = v; }
    @DataBoundSetter public void setCredentialsId(String v) { credentialsId = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setVaultCredentialsId(String v) { vaultCredentialsId = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setVaultCredentials(List<VaultIdCredential> v) {
        vaultCredentials = v == null || v.isEmpty() ? null : new ArrayList<>(v);
    }
    @DataBoundSetter public void setBecome(boolean v) { become = v; }
    @DataBoundSetter public void setBecomeUser(String v) { becomeUser = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setBecomeCredentialsId(String v) { becomeCredentialsId = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setCheckMode(boolean v) { checkMode = v; }
    @DataBoundSetter public void setDiffMode(boolean v) { diffMode = v; }
    @DataBoundSetter public void setInstallation(String v) { installation = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setAnsiblePath(String v) { ansiblePath = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setForks(int v) { forks = v; }
    @DataBoundSetter public void setVerbosity(Integer v) { verbosity = v; }
    @DataBoundSetter public void setExtraVars(Map<String, Object> v) { extraVars = v; }
    @DataBoundSetter public void setExtras(String v) { extras = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setColorized(boolean v) { colorized = v; }
    @DataBoundSetter public void setDisableHostKeyChecking(boolean v) { disableHostKeyChecking = v; }

    PlaybookOptions toOptions() throws AbortException {
        try {
            return new AdhocForm.Values(hosts, module, moduleArguments, inventory, inventoryContent,
                    dynamicInventory, credentialsId, vaultCredentialsId,
                    VaultIdCredential.toSupport(vaultCredentials), become, becomeUser, becomeCredentialsId,
                    checkMode, diffMode, installation, ansiblePath, forks, verbosity,
                    ExtraVarsConverter.convert(extraVars), extras, colorized,
                    disableHostKeyChecking).toOptions();
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends BackgroundStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient AnsibleMitogenAdhocStep step;

        Execution(AnsibleMitogenAdhocStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected void run() throws Exception {
            StepContext c = getContext();
            PlaybookRunner.run(step.toOptions(), c.get(Run.class), c.get(FilePath.class), c.get(EnvVars.class),
                    c.get(Launcher.class), c.get(TaskListener.class));
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        public DescriptorImpl() {
            AdhocForm.shareHelp((field, owner) -> addHelpFileRedirect(field, owner, field), true);
        }

        @Override
        public String getFunctionName() {
            return "ansibleMitogenAdhoc";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Run an Ansible ad-hoc command through the ansible-mitogen engine";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }

        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return FormSupport.sshCredentials(item, credentialsId);
        }

        public ListBoxModel doFillVaultCredentialsIdItems(@AncestorInPath Item item,
                @QueryParameter String vaultCredentialsId) {
            return FormSupport.vaultCredentials(item, vaultCredentialsId);
        }

        public ListBoxModel doFillBecomeCredentialsIdItems(@AncestorInPath Item item,
                @QueryParameter String becomeCredentialsId) {
            return FormSupport.becomeCredentials(item, becomeCredentialsId);
        }

        public ListBoxModel doFillInstallationItems() {
            return ExecutableResolver.items();
        }

        public FormValidation doCheckHosts(@QueryParameter String value) {
            return AdhocForm.checkHosts(value);
        }

        public FormValidation doCheckExtras(@QueryParameter String value) {
            return FormSupport.checkExtras(value);
        }

        public FormValidation doCheckVerbosity(@QueryParameter String value) {
            return FormSupport.checkVerbosity(value);
        }

        public FormValidation doCheckForks(@QueryParameter String value) {
            return FormSupport.checkForks(value);
        }
    }
}
