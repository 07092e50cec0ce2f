package io.jenkins.plugins.ansiblemitogen;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.ansiblemitogen.jenkins.OptionsValidator;
import io.ansiblemitogen.jenkins.StageOptions;
import io.ansiblemitogen.jenkins.StageOptionsEnv;
import io.ansiblemitogen.jenkins.Strategy;
import io.ansiblemitogen.jenkins.TaskIsolation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code mitogen(taskIsolation: 'fork') { ... }}, or in Declarative {@code options { mitogen(...) }}: engine
 * options for every nested {@code ansibleMitogen}. It only adds environment variables (through
 * {@link EnvironmentExpander}, merged with the enclosing ones, so an inner block overrides an outer one), which
 * is why it needs neither a workspace nor a launcher, as a stage's {@code options} requires.
 */
public final class MitogenOptionsStep extends Step {
    private String taskIsolation;
    private String strategy;
    private Integer maxInterpreters;
    private Integer poolSize;
    private Integer verbosity;

    @DataBoundConstructor
    public MitogenOptionsStep() {
    }

    public String getTaskIsolation() { return taskIsolation; }
    public String getStrategy() { return strategy; }
    public Integer getMaxInterpreters() { return maxInterpreters; }
    public Integer getPoolSize() { return poolSize; }
    public Integer getVerbosity() { return verbosity; }

    @DataBoundSetter public void setTaskIsolation(String v) { taskIsolation = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setStrategy(String v) { strategy = Util.fixEmptyAndTrim(v); }
    @DataBoundSetter public void setMaxInterpreters(Integer v) { maxInterpreters = v; }
    @DataBoundSetter public void setPoolSize(Integer v) { poolSize = v; }
    @DataBoundSetter public void setVerbosity(Integer v) { verbosity = v; }

    StageOptions toStageOptions() throws AbortException {
        StageOptions s;
        try {
            s = StageOptions.builder()
                    .taskIsolation(taskIsolation == null ? null : TaskIsolation.parse(taskIsolation))
                    .strategy(strategy == null ? null : Strategy.parse(strategy)).maxInterpreters(maxInterpreters)
                    .poolSize(poolSize).verbosity(verbosity).build();
        } catch (IllegalArgumentException e) {
            throw new AbortException("mitogen: " + e.getMessage());
        }
        OptionsValidator.Result r = OptionsValidator.validate(s);
        if (!r.ok()) {
            throw new AbortException("mitogen: " + String.join("; ", r.errors()));
        }
        return s;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(context, new LinkedHashMap<>(StageOptionsEnv.encode(toStageOptions())));
    }

    /** Starts the body with the extra variables; the body survives a restart by itself, so nothing to resume. */
    static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;
        private final LinkedHashMap<String, String> env;

        Execution(StepContext context, LinkedHashMap<String, String> env) {
            super(context);
            this.env = env;
        }

        @Override
        public boolean start() throws Exception {
            StepContext c = getContext();
            TaskListener listener = c.get(TaskListener.class);
            if (listener != null && !env.isEmpty()) {
                listener.getLogger().println(PlaybookRunner.PREFIX + "options for this block: " + describe(env));
            }
            c.newBodyInvoker()
                    .withContext(EnvironmentExpander.merge(c.get(EnvironmentExpander.class),
                            EnvironmentExpander.constant(env)))
                    .withCallback(BodyExecutionCallback.wrap(c))
                    .start();
            return false;
        }

        @Override
        public void onResume() {
        }

        private static String describe(Map<String, String> env) {
            StringBuilder b = new StringBuilder();
            env.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ")
                    .append(k.substring("ANSIBLE_MITOGEN_OPTION_".length()).toLowerCase(java.util.Locale.ROOT)).append('=').append(v));
            return b.toString();
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "mitogen";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Engine options for the nested ansibleMitogen steps";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        /** No Launcher, no FilePath: Declarative offers only such steps in a stage's options. */
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class);
        }

        public ListBoxModel doFillTaskIsolationItems() {
            return FormSupport.taskIsolationItems();
        }

        public ListBoxModel doFillStrategyItems() {
            return FormSupport.strategyItems();
        }

        public FormValidation doCheckVerbosity(@QueryParameter String value) {
            return FormSupport.checkVerbosity(value);
        }

        public FormValidation doCheckMaxInterpreters(@QueryParameter String value) {
            return FormSupport.checkPositiveOrEmpty(value);
        }

        public FormValidation doCheckPoolSize(@QueryParameter String value) {
            return FormSupport.checkPositiveOrEmpty(value);
        }
    }
}
