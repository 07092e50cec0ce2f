package io.ansiblemitogen.transport.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.engine.DefaultTransports;
import io.ansiblemitogen.engine.Engine;
import io.ansiblemitogen.engine.EngineException;
import io.ansiblemitogen.engine.ExecResult;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.transport.LocalTransport;
import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.Transport;
import io.ansiblemitogen.transport.TransportException;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * Where the runtime comes from: the configured executable on this machine, or the hop's own {@code podman} when
 * the container host is reached through another connection. The hop here is a shell on this machine standing in
 * for an SSH connection (same contract: a command string run by the remote user's shell), so the test needs no
 * sshd; what it checks is what ContainerTransport sends through a hop and how failures there read.
 */
public class ContainerHopTest {
    private static ContainerEnvironment env;
    private static String container;

    @Rule
    public Timeout timeout = new Timeout(120, TimeUnit.SECONDS);

    private Engine engine;

    @BeforeClass
    public static void prepare() throws Exception {
        env = ContainerEnvironment.prepare(false);
        container = env.startContainer("podman", ContainerEnvironment.IMAGE_PY313);
    }

    @AfterClass
    public static void cleanUp() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @After
    public void tearDown() {
        System.clearProperty("ansible.mitogen.podman");
        if (engine != null) {
            engine.close();
        }
    }

    /** A shell "on another host": every command it is asked to run, and the environment it runs them with. */
    static final class ShellHop implements Transport {
        final List<String> commands = new CopyOnWriteArrayList<>();
        private final String prelude;
        private final LocalTransport shell = new LocalTransport();

        ShellHop(String prelude) {
            this.prelude = prelude;
        }

        @Override
        public RemoteProcess exec(String command) throws TransportException {
            commands.add(command);
            return shell.exec(prelude + command);
        }

        @Override
        public boolean isConnected() {
            return shell.isConnected();
        }

        @Override
        public String describe() {
            return "ssh bastion (simulated)";
        }

        @Override
        public void close() {
            shell.close();
        }
    }

    private ShellHop engineWithHop(String prelude) {
        ShellHop hop = new ShellHop(prelude);
        DefaultTransports defaults = new DefaultTransports();
        engine = new Engine((spec, via) -> spec.transport().equals("test-hop") ? hop : defaults.open(spec, via));
        return hop;
    }

    private static TargetSpec behindHop(String name) {
        TargetSpec hop = new TargetSpec("test-hop", "bastion", "bastion", null, null, null, null, null, null, null,
                null, null, null, null, null);
        return new TargetSpec("podman", "ct", name, null, null, null, null, null, null, null, null, null, null, null,
                List.of(hop));
    }

    @Test
    public void containerBehindAHopIsReachedByOneExecOfTheHopsRuntime() throws Exception {
        ShellHop hop = engineWithHop("CONTAINERS_CONF=" + ContainerEnvironment.quote(env.containersConf)
                + "; export CONTAINERS_CONF; ");
        // Set but not used: the override names a file on this machine, not on the hop.
        System.setProperty("ansible.mitogen.podman", "/nonexistent/podman");
        TargetSpec t = behindHop(container);
        EchoModule module = new EchoModule();
        for (int i = 0; i < 3; i++) {
            ExecResult r = engine.execModule(t, null, module.request("{}"));
            assertEquals(new String(r.stderr()), 0, r.rc());
            JsonNode w = Json.mapper().readTree(r.stdout());
            assertTrue(w.path("python").asText().startsWith("3.13."));
        }
        assertEquals("hi\n", new String(engine.execCommand(t, null, "echo hi", null, null).stdout()));
        assertEquals("one exec channel of the hop for the container's interpreter: " + hop.commands, 1,
                hop.commands.size());
        assertTrue(hop.commands.get(0), hop.commands.get(0).contains("exec podman exec -i " + container));
    }

    @Test
    public void runtimeMissingOnTheHopIsUnreachableNotAMissingPython() throws Exception {
        engineWithHop("PATH=/nonexistent; export PATH; ");
        TargetSpec t = behindHop(container);
        try {
            engine.execModule(t, null, new EchoModule().request("{}"));
            fail("expected UNREACHABLE");
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.UNREACHABLE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("podman is not installed on this host, cannot reach"
                    + " container " + container));
        }
    }

    @Test
    public void unusableRuntimeOverrideIsReportedByItsName() throws Exception {
        System.setProperty("ansible.mitogen.podman", "/nonexistent/podman");
        engine = new Engine(new DefaultTransports());
        TargetSpec t = new TargetSpec("podman", "ct", container, null, null, null, null, null, null, null, null,
                null, null, null, null);
        try {
            engine.execModule(t, null, new EchoModule().request("{}"));
            fail("expected UNREACHABLE");
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.UNREACHABLE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("ansible.mitogen.podman is '/nonexistent/podman'"));
            assertTrue(e.getMessage(), e.getMessage().contains(container));
        }
    }
}
