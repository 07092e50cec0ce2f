package io.jenkins.plugins.ansiblemitogen;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.ansiblemitogen.jenkins.AgentRun;
import io.ansiblemitogen.jenkins.ConsoleRenderer;
import io.ansiblemitogen.jenkins.DaemonSettings;
import io.ansiblemitogen.jenkins.OptionMerger;
import io.ansiblemitogen.jenkins.OptionsValidator;
import io.ansiblemitogen.jenkins.PlaybookOptions;
import io.ansiblemitogen.jenkins.RenderingOutputStream;
import io.ansiblemitogen.jenkins.RunCredentials;
import io.ansiblemitogen.jenkins.SecretMasker;
import io.ansiblemitogen.jenkins.StageOptionsEnv;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run, shared by the Pipeline step and the freestyle builder: resolve options and credentials on the
 * controller, prepare on the agent (daemon, secrets, command), start ansible-playbook through the build's
 * launcher (so aborting the build kills it), then clean up on the agent and print the summary.
 */
final class PlaybookRunner {
    static final String PREFIX = "[ansible-mitogen] ";

    private PlaybookRunner() {
    }

    static void run(PlaybookOptions requested, Run<?, ?> run, FilePath ws, EnvVars env, Launcher launcher,
            TaskListener listener) throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        String step = requested.adhoc() == null ? "ansibleMitogen" : "ansibleMitogenAdhoc";
        if (!launcher.isUnix()) {
            throw new AbortException(step + " needs a Unix agent: Ansible does not run on Windows");
        }
        PlaybookOptions options;
        DaemonSettings daemon;
        try {
            // Values from enclosing mitogen { } blocks arrive as environment variables.
            options = OptionMerger.effective(requested.expand(env::expand), StageOptionsEnv.decode(env));
            daemon = DaemonSettings.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        OptionsValidator.Result validation = OptionsValidator.validate(options);
        validation.warnings().forEach(w -> log.println(PREFIX + "warning: " + w));
        if (!validation.ok()) {
            throw new AbortException(step + ": " + String.join("; ", validation.errors()));
        }
        RunCredentials credentials = CredentialsResolver.resolve(run, options);
        String executable = ExecutableResolver.resolve(options, ws, env, listener);
        ws.mkdirs();
        String jar = BundledCli.ensureOnAgent(ws, listener);
        // Only what the agent side reads: the build environment may hold other secrets (withCredentials).
        Map<String, String> base = new LinkedHashMap<>();
        for (String var : new String[] {"ANSIBLE_STRATEGY_PLUGINS", "ANSIBLE_CONNECTION_PLUGINS"}) {
            if (env.containsKey(var)) {
                base.put(var, env.get(var));
            }
        }
        AgentRun.Request request = new AgentRun.Request(options, credentials, executable, base, ws.getRemote(), null,
                jar, daemon.socketDir(), daemon.idleTimeoutMinutes());
        AgentRun.Prepared prepared = ws.act(new AgentCalls.Prepare(request));
        prepared.removedStale().forEach(d -> log.println(PREFIX + "removed the secrets left on this agent by an"
                + " interrupted earlier run (a controller restart or a lost agent): " + d));
        log.println(PREFIX + "engine " + prepared.engine().engineVersion()
                + (prepared.daemonStarted() ? " started" : " already running") + " on " + prepared.socket());
        int rc;
        try {
            rc = launch(prepared, ws, env, launcher, listener);
        } finally {
            finish(ws, prepared, listener);
        }
        if (rc != 0) {
            throw new AbortException((options.adhoc() == null ? "ansible-playbook" : "ansible")
                    + " failed with exit code " + rc);
        }
    }

    /**
     * Deletes the secrets on the agent and prints the summary, also after an abort: the interrupt is set aside
     * for this one remote call (else it would fail at once and leave the secrets behind) and restored after.
     */
    private static void finish(FilePath ws, AgentRun.Prepared prepared, TaskListener listener) {
        boolean interrupted = Thread.interrupted();
        try {
            listener.getLogger().println(ws.act(new AgentCalls.Finish(prepared)));
        } catch (IOException | InterruptedException e) {
            listener.error(PREFIX + "could not delete the secrets in " + prepared.secretsDir() + " on the agent: "
                    + e.getMessage());
            interrupted |= e instanceof InterruptedException;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int launch(AgentRun.Prepared prepared, FilePath ws, EnvVars env, Launcher launcher,
            TaskListener listener) throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        log.println("$ " + prepared.command().display());
        EnvVars processEnv = new EnvVars(env);
        processEnv.putAll(prepared.command().env());
        ConsoleRenderer renderer = new ConsoleRenderer(new SecretMasker(prepared.command().secrets()));
        // One renderer per stream, each whole-line buffered, so stdout and stderr lines do not interleave mid-line.
        try (RenderingOutputStream out = new RenderingOutputStream(log, renderer);
                RenderingOutputStream err = new RenderingOutputStream(log, renderer)) {
            return launcher.launch().cmds(prepared.command().argv()).envs(processEnv).pwd(ws).quiet(true)
                    .stdout(out).stderr(err).join();
        }
    }
}
