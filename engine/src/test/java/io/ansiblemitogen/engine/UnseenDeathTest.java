package io.ansiblemitogen.engine;

import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.StreamProcess;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * A pooled interpreter that died without the engine seeing it (its output stream still held open by a process it
 * left behind, as a runtime's exec client or a half-closed SSH channel can): the next task's call cannot be
 * delivered, and the engine makes it again on a fresh connection instead of failing the task. Real agent, real
 * processes; only the leftover holder of the output stream is staged.
 */
public class UnseenDeathTest {
    /** A distinctive duration, so teardown finds exactly the holders this test started. */
    private static final String HOLDER = "sleep 47.31";

    private final AtomicInteger logins = new AtomicInteger();
    private final List<Process> shells = new ArrayList<>();
    private Engine engine;
    private final TargetSpec target = TargetSpec.local("unseen-death");

    /** Local logins whose stdout outlives the agent: the login shell keeps it open after the agent dies. */
    private final class HeldStdoutTransport implements Transport {
        @Override
        public RemoteProcess exec(String command) throws TransportException {
            logins.incrementAndGet();
            try {
                // The agent gets the stdin pipe and nobody else keeps it: once the agent is gone a write fails. The
                // shell stays, holding stdout open, so the engine reads no end and the JVM reaps no process.
                Process p = new ProcessBuilder("/bin/sh", "-c", "exec 3<&0 </dev/null; (" + command
                        + ") <&3 & exec 3<&-; wait; " + HOLDER).start();
                shells.add(p);
                return StreamProcess.of(p, "local, held stdout");
            } catch (IOException e) {
                throw new TransportException("cannot start /bin/sh: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public String describe() {
            return "local, held stdout";
        }

        @Override
        public void close() {
        }
    }

    @Before
    public void setUp() {
        engine = new Engine((spec, via) -> new HeldStdoutTransport());
    }

    @After
    public void tearDown() throws Exception {
        engine.close();
        new ProcessBuilder("pkill", "-f", HOLDER).start().waitFor();
    }

    /** SIGKILL to the agent (the parent of a command it runs), and its end awaited. */
    private void killAgent() throws Exception {
        long pid = Long.parseLong(sh("echo $PPID").strip());
        ProcessHandle agent = ProcessHandle.of(pid).orElseThrow();
        assertTrue(agent.info().commandLine().orElse(""), agent.info().command().orElse("").contains("python"));
        assertTrue(agent.destroyForcibly());
        agent.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private String sh(String command) throws EngineException {
        ExecResult r = engine.execCommand(target, null, command, null, null);
        assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        return new String(r.stdout(), StandardCharsets.UTF_8);
    }

    @Test
    public void aCallThatCouldNotBeDeliveredIsMadeAgainOnAFreshConnection() throws Exception {
        assertEquals("ok\n", sh("echo ok"));
        assertEquals(1, logins.get());
        killAgent();
        assertTrue("the engine cannot see the death: its output stream is still open",
                engine.pool().snapshot().stream().anyMatch(c -> c.interpreterCount() > 0));

        assertEquals("the task after the unseen death succeeds", "again\n", sh("echo again"));
        assertEquals("on a second login", 2, logins.get());
        assertEquals("and later tasks stay on it", "third\n", sh("echo third"));
        assertEquals(2, logins.get());
    }

    @Test
    public void aCallWaitingForFilesSentOnTheDeadConnectionFailsInstead() throws Exception {
        java.nio.file.Path src = java.nio.file.Files.createTempFile("unseen-death", ".txt");
        java.nio.file.Path dst = java.nio.file.Files.createTempFile("unseen-death-dst", ".txt");
        try {
            java.nio.file.Files.writeString(src, "payload");
            long token = engine.putFile(target, null, src, dst.toString(), null, List.of(), List.of(), true);
            killAgent();
            EngineException e = org.junit.Assert.assertThrows(EngineException.class, () -> engine.execCommand(
                    target, null, "cat " + dst, null, null, false, List.of(), List.of(token), false));
            assertEquals(e.getMessage(), EngineException.Kind.UNREACHABLE, e.kind());
            assertEquals("no second login for it", 1, logins.get());
            assertEquals("the task after it reconnects", "next\n", sh("echo next"));
        } finally {
            java.nio.file.Files.deleteIfExists(src);
            java.nio.file.Files.deleteIfExists(dst);
        }
    }
}
