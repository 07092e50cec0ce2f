package io.jenkins.plugins.ansiblemitogen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.remoting.ClassFilter;
import hudson.remoting.Which;
import hudson.slaves.DumbSlave;
import io.ansiblemitogen.jenkins.AgentRun;
import io.ansiblemitogen.jenkins.EngineInfo;
import io.ansiblemitogen.jenkins.PoolSnapshot;
import io.ansiblemitogen.jenkins.PreparedCommand;
import io.ansiblemitogen.jenkins.TargetStats;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.security.MasterToSlaveCallable;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What an agent returns to the controller passes the controller's JEP-200 class filter (core's ClassFilterImpl,
 * which JenkinsRule installs as in production). Jenkins accepts any {@code target/classes} directory, so the
 * class-path copy of jenkins-support proves nothing in a reactor build: the first test loads the transfer types
 * from the packaged jar, as a controller loads them from {@code WEB-INF/lib}.
 */
@WithJenkins
class ClassFilterTest {
    private static final List<String> TRANSFER_TYPES = List.of("io.ansiblemitogen.jenkins.AgentRun$Prepared",
            "io.ansiblemitogen.jenkins.AgentRun$Request", "io.ansiblemitogen.jenkins.PreparedCommand",
            "io.ansiblemitogen.jenkins.EngineInfo", "io.ansiblemitogen.jenkins.PoolSnapshot",
            "io.ansiblemitogen.jenkins.TargetStats", "io.ansiblemitogen.jenkins.PlaybookOptions",
            "io.ansiblemitogen.jenkins.StageOptions", "io.ansiblemitogen.jenkins.RunCredentials",
            "io.ansiblemitogen.jenkins.SecretValue");

    @Test
    void thePackagedSupportJarPassesTheFilter(JenkinsRule r) throws Exception {
        File jar = packagedSupportJar();
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toURI().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : TRANSFER_TYPES) {
                Class<?> c = Class.forName(name, false, l);
                assertEquals(jar.getCanonicalFile(), Which.jarFile(c).getCanonicalFile());
                assertFalse(ClassFilter.DEFAULT.isBlacklisted(c), name + " from " + jar + " is rejected");
            }
        }
    }

    @Test
    void aPreparedRunComesBackFromARealAgent(JenkinsRule r) throws Exception {
        DumbSlave agent = r.createOnlineSlave();
        AgentRun.Prepared p = agent.getChannel().call(new MakePrepared());
        assertEquals(List.of("ansible-playbook", "site.yml"), p.command().argv());
        assertEquals("h", p.poolBefore().targets().get(0).host());
    }

    /** The jar the hpi puts in WEB-INF/lib: where the class path has it, or beside jenkins-support's classes. */
    private static File packagedSupportJar() throws IOException {
        File where = Which.jarFile(AgentRun.class);
        if (where.isFile()) {
            return where;
        }
        File[] jars = where.getParentFile().listFiles((d, n) -> n.startsWith("ansible-mitogen-jenkins-support-")
                && n.endsWith(".jar") && !n.endsWith("-tests.jar") && !n.endsWith("-sources.jar"));
        assertTrue(jars != null && jars.length == 1, "jenkins-support is not packaged beside " + where
                + "; build with -am verify (the package phase) so that the real jar is tested");
        return jars[0];
    }

    private static final class MakePrepared extends MasterToSlaveCallable<AgentRun.Prepared, IOException> {
        private static final long serialVersionUID = 1L;

        @Override
        public AgentRun.Prepared call() {
            return new AgentRun.Prepared(new PreparedCommand(List.of("ansible-playbook", "site.yml"),
                    Map.of("ANSIBLE_STRATEGY", "mitogen_linear"), Set.of("s")), "/tmp/x", "/run/s",
                    new EngineInfo(1, "0.1.0"), false,
                    new PoolSnapshot(List.of(new TargetStats("id", "h", 22, "u", 1, 1.0, 2, 3, 4)), 1), null,
                    List.of("/tmp/ansible-mitogen-secrets-1"));
        }
    }
}
