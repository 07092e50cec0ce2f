package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The agent side end to end with a jar launched by {@code java -jar}, as on a Jenkins agent. */
public class AgentRunTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Path socketDir;

    @After
    public void stopDaemon() throws Exception {
        if (socketDir != null) {
            DaemonLauncherTest.stop(socketDir);
        }
    }

    @Test
    public void prepareStartsTheDaemonWritesSecretsAndFinishCleansUp() throws Exception {
        Path jar = fakeCliJar(tmp.getRoot().toPath().resolve("cli.jar"));
        socketDir = tmp.getRoot().toPath().resolve("sock");
        Path ws = tmp.newFolder("workspace").toPath();
        Path agentTmp = tmp.newFolder("agent-tmp").toPath();
        // Left by a run whose controller restarted mid-playbook (this JVM, an earlier channel's token).
        SecretsOwner me = SecretsOwner.current();
        Path stale = StaleSecretsTest.secretsDir(agentTmp, new SecretsOwner(me.pid(), me.startMillis(), "earlier"));
        AgentRun.Request req = new AgentRun.Request(
                PlaybookOptions.builder("site.yml").taskIsolation(TaskIsolation.FORK).build(),
                RunCredentials.password("deploy", "pw"), null, Map.of("PATH", "/usr/bin"), ws.toString(),
                agentTmp.toString(), jar.toString(), socketDir.toString(), 1);
        AgentRun.Prepared p = AgentRun.prepare(req);
        assertEquals(List.of(stale.toString()), p.removedStale());
        assertFalse(Files.exists(stale));
        assertTrue(p.daemonStarted());
        assertEquals("fake-1", p.engine().engineVersion());
        assertEquals(socketDir.resolve("engine.sock").toString(), p.socket());
        assertEquals(p.socket(), p.command().env().get("ANSIBLE_MITOGEN_SOCKET"));
        assertTrue(p.command().env().get("ANSIBLE_STRATEGY_PLUGINS").endsWith("fake-ansible-mitogen-plugins"));
        assertEquals("fork", p.command().env().get("ANSIBLE_MITOGEN_TASK_ISOLATION"));
        assertTrue(Files.isDirectory(Path.of(p.secretsDir())));
        assertFalse(Path.of(p.secretsDir()).startsWith(ws));
        assertEquals(1, p.poolBefore().targets().size());

        // The engine's own counter says 2 were opened (web2 and, say, a bastion hop that is no target itself).
        assertEquals("ansible-mitogen: connections: 1 reused, 2 opened (8 engine requests)", AgentRun.finish(p));
        assertFalse(Files.exists(Path.of(p.secretsDir())));

        AgentRun.Prepared again = AgentRun.prepare(req);
        assertFalse("the second run finds the daemon running", again.daemonStarted());
        AgentRun.finish(again);
    }

    /** A jar like the CLI's shaded jar: Main-Class, run with java -jar. */
    static Path fakeCliJar(Path jar) throws Exception {
        Path classes = Path.of(FakeDaemonMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeDaemonMain.class.getName());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.getFileName().toString().startsWith("Fake"))::iterator) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        } catch (IOException e) {
            throw new IOException("could not build the fake CLI jar", e);
        }
        return jar;
    }
}
