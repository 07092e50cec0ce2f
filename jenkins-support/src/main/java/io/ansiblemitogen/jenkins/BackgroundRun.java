package io.ansiblemitogen.jenkins;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A run on a worker thread whose outcome is reported exactly once, and on abort only after the run has cleaned
 * up. Jenkins' {@code SynchronousNonBlockingStepExecution.stop} ends the step at once, while the interrupted
 * thread is still deleting secrets and printing the summary, which can then land in a closed log. Here
 * {@link #stop} only interrupts; the outcome (the stop cause) follows when the body returns, or after a grace
 * period if the body hangs, so that an abort cannot be held up forever.
 */
public final class BackgroundRun {
    /** The work; may throw anything. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Where the outcome goes (the step context). Called exactly once. */
    public interface Outcome {
        void success();

        void failure(Throwable t);
    }

    private enum State { NEW, RUNNING, ENDED }

    private final Outcome outcome;
    private final AtomicBoolean reported = new AtomicBoolean();
    private State state = State.NEW; // guarded by this
    private Thread worker; // guarded by this
    private volatile Throwable stopCause;

    public BackgroundRun(Outcome outcome) {
        this.outcome = outcome;
    }

    public void start(Executor pool, Body body) {
        pool.execute(() -> {
            synchronized (this) {
                if (state != State.NEW) {
                    return; // stopped before it began; stop() reported
                }
                state = State.RUNNING;
                worker = Thread.currentThread();
            }
            Throwable failure = null;
            try {
                body.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                synchronized (this) {
                    state = State.ENDED;
                    worker = null;
                    Thread.interrupted(); // an interrupt meant for the body must not reach the pool's next task
                }
            }
            report(failure);
        });
    }

    /**
     * Asks the body to stop (an interrupt, once; a second abort does not cut short the cleanup of the first).
     * The outcome is the first stop cause, reported when the body has returned, or after {@code grace}.
     */
    public void stop(Throwable cause, ScheduledExecutorService timer, Duration grace) {
        boolean first;
        synchronized (this) {
            first = stopCause == null;
            if (first) {
                stopCause = cause;
            }
            if (state == State.NEW) {
                state = State.ENDED;
            } else if (state == State.RUNNING) {
                if (first) {
                    worker.interrupt();
                    timer.schedule(() -> report(null), grace.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
        }
        report(null); // never started, or already over
    }

    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    private void report(Throwable failure) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        Throwable cause = stopCause;
        if (cause != null) {
            if (failure != null && failure != cause) {
                cause.addSuppressed(failure);
            }
            outcome.failure(cause);
        } else if (failure != null) {
            outcome.failure(failure);
        } else {
            outcome.success();
        }
    }
}
