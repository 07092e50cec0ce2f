package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

public class BackgroundRunTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch reported = new CountDownLatch(1);
    private final BackgroundRun.Outcome outcome = new BackgroundRun.Outcome() {
        @Override
        public void success() {
            events.add("success");
            reported.countDown();
        }

        @Override
        public void failure(Throwable t) {
            events.add("failure " + t.getMessage());
            reported.countDown();
        }
    };

    @After
    public void shutdown() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    public void abortReportsOnlyAfterTheCleanupHasRun() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch cleanupMayEnd = new CountDownLatch(1);
        BackgroundRun run = new BackgroundRun(outcome);
        run.start(pool, () -> {
            try {
                running.countDown();
                Thread.sleep(60_000); // ansible-playbook, killed by the interrupt
            } catch (InterruptedException e) {
                events.add("interrupted");
                throw e;
            } finally {
                cleanupMayEnd.await(); // PlaybookRunner.finish: delete the secrets, print the summary
                events.add("summary printed");
            }
        });
        running.await();
        Exception abort = new Exception("aborted by user");
        run.stop(abort, timer, Duration.ofMinutes(1));
        // The old SynchronousNonBlockingStepExecution.stop would have ended the step here, before the summary.
        assertFalse(reported.await(300, TimeUnit.MILLISECONDS));
        assertTrue(run.isRunning());
        run.stop(new Exception("second abort"), timer, Duration.ofMinutes(1)); // does not cut the cleanup short
        cleanupMayEnd.countDown();
        assertTrue(reported.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("interrupted", "summary printed", "failure aborted by user"), events);
        assertSame(InterruptedException.class, abort.getSuppressed()[0].getClass());
    }

    @Test
    public void aHangingBodyIsReportedAfterTheGracePeriod() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        BackgroundRun run = new BackgroundRun(outcome);
        run.start(pool, () -> {
            running.countDown();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ignoredByABadBody) {
                    // keeps going
                }
            }
        });
        running.await();
        run.stop(new Exception("aborted"), timer, Duration.ofMillis(200));
        assertTrue(reported.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("failure aborted"), events);
    }

    @Test
    public void successFailureAndAStopBeforeTheStartAreEachReportedOnce() throws Exception {
        BackgroundRun ok = new BackgroundRun(outcome);
        ok.start(pool, () -> { });
        assertTrue(reported.await(10, TimeUnit.SECONDS));
        ok.stop(new Exception("late"), timer, Duration.ofMillis(1)); // after the end: nothing more
        Thread.sleep(50);
        assertEquals(List.of("success"), events);

        events.clear();
        BackgroundRun early = new BackgroundRun(outcome);
        early.stop(new Exception("before start"), timer, Duration.ofMillis(1));
        early.start(Runnable::run, () -> events.add("body ran"));
        assertEquals(List.of("failure before start"), events);

        events.clear();
        BackgroundRun failing = new BackgroundRun(outcome);
        failing.start(Runnable::run, () -> {
            throw new IllegalStateException("rc 2");
        });
        assertEquals(List.of("failure rc 2"), events);
    }
}
