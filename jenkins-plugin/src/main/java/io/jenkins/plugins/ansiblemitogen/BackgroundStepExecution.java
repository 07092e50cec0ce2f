package io.jenkins.plugins.ansiblemitogen;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.ClassLoaderSanityThreadFactory;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.ansiblemitogen.jenkins.BackgroundRun;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.springframework.security.core.Authentication;

/**
 * Like {@code SynchronousNonBlockingStepExecution} (the work runs off the CPS thread, and cannot resume after a
 * controller restart), but an abort ends the step only once the run has deleted its secrets and printed its
 * summary ({@link BackgroundRun}): the stock class ends it at once, so those lines could reach a closed log.
 */
abstract class BackgroundStepExecution extends StepExecution {
    private static final long serialVersionUID = 1L;
    /** How long an abort waits for the cleanup (a remote call and a pool_status request) before giving up. */
    static final Duration STOP_GRACE = Duration.ofSeconds(60);
    private static final ExecutorService POOL = Executors.newCachedThreadPool(new NamingThreadFactory(
            new ClassLoaderSanityThreadFactory(new DaemonThreadFactory()), "ansibleMitogen"));

    private transient volatile BackgroundRun background;

    BackgroundStepExecution(StepContext context) {
        super(context);
    }

    /** The work, on a pool thread, as the user who started the build. */
    protected abstract void run() throws Exception;

    @Override
    public final boolean start() {
        Authentication auth = Jenkins.getAuthentication2();
        BackgroundRun b = new BackgroundRun(new BackgroundRun.Outcome() {
            @Override
            public void success() {
                getContext().onSuccess(null);
            }

            @Override
            public void failure(Throwable t) {
                getContext().onFailure(t);
            }
        });
        background = b;
        b.start(POOL, () -> {
            try (ACLContext acl = ACL.as2(auth)) {
                run();
            }
        });
        return false;
    }

    @Override
    public void stop(@NonNull Throwable cause) {
        BackgroundRun b = background;
        if (b == null) { // loaded after a restart: nothing of ours runs
            getContext().onFailure(cause);
            return;
        }
        b.stop(cause, Timer.get(), STOP_GRACE);
    }

    @Override
    public void onResume() {
        // The process ran on the previous controller's channel and is gone; its secrets are removed by the next
        // run on that agent (StaleSecrets).
        getContext().onFailure(new AbortException("ansible-mitogen cannot resume a playbook after a controller"
                + " restart: the run was lost; run the build again"));
    }

    @Override
    public String getStatus() {
        BackgroundRun b = background;
        return b != null && b.isRunning() ? "running ansible on the agent" : "not running";
    }

    @Override
    public boolean blocksRestart() {
        BackgroundRun b = background;
        return b != null && b.isRunning();
    }
}
