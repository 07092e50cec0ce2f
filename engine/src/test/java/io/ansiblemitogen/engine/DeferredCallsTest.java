package io.ansiblemitogen.engine;

import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.transport.LocalTransport;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * {@code pre}, {@code after}, detached calls and {@code echo ~} through the real agent core (local process): the
 * order and failures the deferral in the Ansible plugin relies on, and the round trips each costs.
 */
public class DeferredCallsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Engine engine;
    private final TargetSpec target = TargetSpec.local("localhost");

    @Before
    public void setUp() {
        engine = new Engine((spec, via) -> new LocalTransport());
    }

    @After
    public void tearDown() {
        engine.close();
    }

    private long roundTrips() {
        return engine.pool().snapshot().stream().mapToLong(TargetConnection::roundTrips).sum();
    }

    private static String out(ExecResult r) {
        return new String(r.stdout(), StandardCharsets.UTF_8);
    }

    @Test
    public void homeLookupIsAnsweredFromTheHelloWithoutARoundTrip() throws Exception {
        engine.execCommand(target, null, "true", null, null);
        long before = roundTrips();
        String user = System.getProperty("user.name");
        assertEquals(System.getenv("HOME") + "\n", out(engine.execCommand(target, null, "echo ~", null, null)));
        assertEquals(out(engine.execCommand(target, null, "sh -c 'echo ~" + user + "'", null, null)),
                out(engine.execCommand(target, null, "echo ~" + user, null, null)));
        assertEquals("only the sh -c control call costs a trip", before + 1, roundTrips());
        assertEquals("~nosuchuser-x\n", out(engine.execCommand(target, null, "echo ~nosuchuser-x", null, null)));
    }

    @Test
    public void fileSentWithoutWaitingThenPreThenCommandCostOneRoundTrip() throws Exception {
        engine.execCommand(target, null, "true", null, null);
        Path dir = tmp.getRoot().toPath().resolve("made-by-pre");
        Path src = tmp.newFile("src").toPath();
        Files.writeString(src, "payload");
        long before = roundTrips();
        long token = engine.putFile(target, null, src, tmp.getRoot().toPath().resolve("put").toString(), null,
                List.of(), List.of(), true);
        assertNotEquals(0, token);
        ExecResult r = engine.execCommand(target, null, "cat " + dir + "/../put; ls -d " + dir, null, null, false,
                List.of("mkdir " + dir, "chmod 700 " + dir), List.of(token), false);
        assertEquals("payload" + dir + "\n", out(r));
        assertEquals(before + 1, roundTrips());
    }

    @Test
    public void failedPreFailsTheRequestNamingTheCommand() throws Exception {
        try {
            engine.execCommand(target, null, "echo never", null, null, false, List.of("true", "exit 3"), List.of(),
                    false);
            fail("expected a failure");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.FAILED, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("'exit 3' failed (rc 3)"));
        }
    }

    @Test
    public void failedDetachedPutFailsTheCallThatDependsOnIt() throws Exception {
        Path src = tmp.newFile("src").toPath();
        long token = engine.putFile(target, null, src, "/nonexistent-dir/x", null, List.of(), List.of(), true);
        try {
            engine.execCommand(target, null, "echo should-not-run", null, null, false, List.of(), List.of(token),
                    false);
            fail("expected a failure");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("/nonexistent-dir/x"));
        }
        assertEquals(0, engine.execCommand(target, null, "true", null, null).rc());
    }

    @Test
    public void syncReportsADetachedPutFailure() throws Exception {
        Path src = tmp.newFile("src").toPath();
        long token = engine.putFile(target, null, src, "/nonexistent-dir/y", null, List.of(), List.of(), true);
        try {
            engine.sync(target, List.of(token));
            fail("expected a failure");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("/nonexistent-dir/y"));
        }
    }

    @Test
    public void detachedCommandFinishesBeforeTheEngineCloses() throws Exception {
        Path gone = tmp.newFolder("gone").toPath();
        engine.execCommand(target, null, "true", null, null);
        long before = roundTrips();
        ExecResult r = engine.execCommand(target, null, "sleep 0.3; rm -f -r " + gone, null, null, false, List.of(),
                List.of(), true);
        assertEquals(0, r.rc());
        assertEquals("sent without waiting", before, roundTrips());
        engine.close();
        assertFalse(Files.exists(gone));
    }
}
