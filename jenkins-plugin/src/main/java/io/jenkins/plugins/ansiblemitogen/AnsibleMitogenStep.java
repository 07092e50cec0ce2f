package io.jenkins.plugins.ansiblemitogen;

import edu.umd.cs.findbugs.annotations.CheckForNull;
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
import io.ansiblemitogen.jenkins.Strategy;
import io.ansiblemitogen.jenkins.TaskIsolation;
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
import org.kohsuke.stapler.verb.POST;

/**
 * {@code ansibleMitogen playbook: 'site.yml', ...}: runs a playbook through the engine daemon on the agent.
 * The option names are those of the Ansible plugin's {@code ansiblePlaybook} step, plus diffMode, verbosity and
 * the engine options (taskIsolation, strategy, maxInterpreters, poolSize), which an enclosing {@code mitogen}
 * block supplies when they are not set here.
 */
public final class AnsibleMitogenStep extends Step {
    private final String playbook;
    private String inventory;
    private String inventoryContent;
    private boolean dynamicInventory;
    private String credentialsId;
    private String vaultCredentialsId;
    private List<VaultIdCredential> vaultCredentials;
    private String becomeCredentialsId;
    private boolean become;
    private String becomeUser;
    private String limit;
    private String tags;
    private String skippedTags;
    private String startAtTask;
    private int forks;
    private boolean checkMode;
    private boolean diffMode;
    private Map<String, Object> extraVars;
    private String extras;
    private boolean colorized;
    private boolean disableHostKeyChecking;
    private String installation;
    private String ansiblePlaybookPath;
    private Integer verbosity;
    private String taskIsolation;
    private String strategy;
    private Integer maxInterpreters;
    private Integer poolSize;

    @DataBoundConstructor
    public AnsibleMitogenStep(String playbook) {
        this.playbook = Util.fixEmptyAndTrim(playbook);
    }

    public String getPlaybook() { return playbook; }
    public String getInventory() { return inventory; }
    public String getInventoryContent() { return inventoryContent; }
    public boolean isDynamicInventory() { return dynamicInventory; }
    public String getCredentialsId() { return credentialsId; }
    public String getVaultCredentialsId() { return vaultCredentialsId; }
    public List<VaultIdCredential> getVaultCredentials() { return vaultCredentials; }
    public String getBecomeCredentialsId() { return becomeCredentialsId; }
    public boolean isBecome() { return become; }
    public String getBecomeUser() { return becomeUser; }
    public String getLimit() { return limit; }
    public String getTags() { return tags; }
    public String getSkippedTags() { return skippedTags; }
    public String getStartAtTask() { return startAtTask; }
    public int getForks() { return forks; }
    public boolean isCheckMode() { return checkMode; }
    public boolean isDiffMode() { return diffMode; }
    public Map<String, Object> getExtraVars() { return extraVars; }
    public String getExtras() { return extras; }
    public boolean isColorized() { return colorized; }
    public boolean isDisableHostKeyChecking() { return disableHostKeyChecking; }
    public String getInstallation() { return installation; }
    public String getAnsiblePlaybookPath() { return ansiblePlaybookPath; }
    public Integer getVerbosity() { return verbosity; }
    public String getTaskIsolation() { return taskIsolation; }
    public String getStrategy() { return strategy; }
    public Integer getMaxInterpreters() { return maxInterpreters; }
    public Integer getPoolSize() { return poolSize; }

    @DataBoundSetter public void setInventory(String v) { inventory = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setInventoryContent(String v) { inventoryContent = Util.fixEmpty(v); }
    @DataBoundSetter public void setDynamicInventory(boolean v) { dynamicInventory = v; }
    @DataBoundSetter public void setCredentialsId(String v) { credentialsId = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setVaultCredentialsId(String v) { vaultCredentialsId = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setVaultCredentials(List<VaultIdCredential> v) {
        vaultCredentials = v == null || v.isEmpty() ? null : new ArrayList<>(v);
    }
    @DataBoundSetter public void setBecomeCredentialsId(String v) { becomeCredentialsId = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setBecome(boolean v) { become = v; }
    @DataBoundSetter public void setBecomeUser(String v) { becomeUser = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setLimit(String v) { limit = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setTags(String v) { tags = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setSkippedTags(String v) { skippedTags = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setStartAtTask(String v) { startAtTask = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setForks(int v) { forks = v; }
    @DataBoundSetter public void setCheckMode(boolean v) { checkMode = v; }
    @DataBoundSetter public void setDiffMode(boolean v) { diffMode = v; }
    @DataBoundSetter public void setExtraVars(Map<String, Object> v) { extraVars = v; }
    @DataBoundSetter public void setExtras(String v) { extras = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setColorized(boolean v) { colorized = v; }
    @DataBoundSetter public void setDisableHostKeyChecking(boolean v) { disableHostKeyChecking = v; }
    @DataBoundSetter public void setInstallation(String v) { installation = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setAnsiblePlaybookPath(String v) { ansiblePlaybookPath = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setVerbosity(Integer v) { verbosity = v; }
    @DataBoundSetter public void setTaskIsolation(String v) { taskIsolation = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setStrategy(String v) { strategy = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setMaxInterpreters(Integer v) { maxInterpreters = v; }
    @DataBoundSetter public void setPoolSize(Integer v) { poolSize = v; }

    /** The plain-Java options; an unknown taskIsolation or strategy fails the build with the accepted values. */
    PlaybookOptions toOptions() throws AbortException {
        try {
            return PlaybookOptions.builder(playbook).inventory(inventory).inventoryContent(inventoryContent)
                    .dynamicInventory(dynamicInventory).credentialsId(credentialsId)
                    .vaultCredentialsId(vaultCredentialsId).vaultCredentials(VaultIdCredential.toSupport(vaultCredentials))
                    .becomeCredentialsId(becomeCredentialsId).become(become).becomeUser(becomeUser).limit(limit)
                    .tags(tags).skippedTags(skippedTags).startAtTask(startAtTask).forks(forks).checkMode(checkMode)
                    .diffMode(diffMode).extraVars(ExtraVarsConverter.convert(extraVars)).extras(extras)
                    .colorized(colorized).disableHostKeyChecking(disableHostKeyChecking).installation(installation)
                    .ansiblePlaybookPath(ansiblePlaybookPath).verbosity(verbosity)
                    .taskIsolation(taskIsolation == null ? null : TaskIsolation.parse(taskIsolation))
                    .strategy(strategy == null ? null : Strategy.parse(strategy)).maxInterpreters(maxInterpreters)
                    .poolSize(poolSize).build();
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    /** Runs off the CPS thread; the interrupt from an abort reaches the launcher's join(), which kills the run. */
    static final class Execution extends BackgroundStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient AnsibleMitogenStep step;

        Execution(AnsibleMitogenStep step, StepContext context) {
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
        @Override
        public String getFunctionName() {
            return "ansibleMitogen";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Run an Ansible playbook through the ansible-mitogen engine";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }

        @CheckForNull
        @Override
        public String argumentsToString(@NonNull Map<String, Object> namedArgs) {
            Object p = namedArgs.get("playbook");
            return p instanceof String s ? s : null;
        }

        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return FormSupport.sshCredentials(item, credentialsId);
        }

        public ListBoxModel doFillBecomeCredentialsIdItems(@AncestorInPath Item item,
                @QueryParameter String becomeCredentialsId) {
            return FormSupport.becomeCredentials(item, becomeCredentialsId);
        }

        @POST
        public FormValidation doCheckBecomeCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.checkCredentialsId(item, value,
                    com.cloudbees.plugins.credentials.common.StandardCredentials.class, FormSupport.BECOME);
        }

        public ListBoxModel doFillVaultCredentialsIdItems(@AncestorInPath Item item,
                @QueryParameter String vaultCredentialsId) {
            return FormSupport.vaultCredentials(item, vaultCredentialsId);
        }

        @POST
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.checkCredentialsId(item, value,
                    com.cloudbees.plugins.credentials.common.StandardUsernameCredentials.class,
                    FormSupport.SSH_OR_PASSWORD);
        }

        @POST
        public FormValidation doCheckVaultCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.checkCredentialsId(item, value,
                    com.cloudbees.plugins.credentials.common.StandardCredentials.class, FormSupport.VAULT);
        }

        public ListBoxModel doFillInstallationItems() {
            return ExecutableResolver.items();
        }

        public ListBoxModel doFillTaskIsolationItems() {
            return FormSupport.taskIsolationItems();
        }

        public ListBoxModel doFillStrategyItems() {
            return FormSupport.strategyItems();
        }

        public FormValidation doCheckPlaybook(@QueryParameter String value) {
            return FormSupport.checkPlaybook(value);
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

        public FormValidation doCheckMaxInterpreters(@QueryParameter String value) {
            return FormSupport.checkPositiveOrEmpty(value);
        }

        public FormValidation doCheckPoolSize(@QueryParameter String value) {
            return FormSupport.checkPositiveOrEmpty(value);
        }
    }
}
