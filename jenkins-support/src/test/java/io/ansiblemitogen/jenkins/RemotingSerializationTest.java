package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

/**
 * What the Jenkins plugin sends to an agent and reads back must survive Java serialization, and every class the
 * reading side resolves must pass the controller's remoting class filter (JEP-200; see
 * {@link JenkinsClassFilterRule}). Without the support jar's {@code Jenkins-ClassFilter-Whitelisted} manifest
 * this fails with the controller's own complaint, e.g. {@code io.ansiblemitogen.jenkins.AgentRun$Prepared}.
 */
public class RemotingSerializationTest {
    static AgentRun.Request sampleRequest() {
        PlaybookOptions o = PlaybookOptions.adhocBuilder(new AdhocCommand("all", "ping", null))
                .taskIsolation(TaskIsolation.FORK).strategy(Strategy.FREE).verbosity(2)
                .vaultCredentials(List.of(new VaultCredential("prod", "c"))).becomeCredentialsId("b")
                .extraVars(Map.of("l", List.of(1, Map.of("k", List.of("v"))), "s", new SecretValue("x"))).build();
        return new AgentRun.Request(o, RunCredentials.sshKey("u", List.of("KEY"), "p").withVaultPassword("v")
                .withBecomePassword("b").withVaultId("prod", "pv"), null, Map.of("A", "b"), "/ws", null, "/jar",
                null, 30);
    }

    static AgentRun.Prepared samplePrepared() {
        return new AgentRun.Prepared(new PreparedCommand(List.of("a", "b"), Map.of("K", "V"), Set.of("x")),
                "/tmp/x", "/run/s", new EngineInfo(1, "1.0"), true,
                new PoolSnapshot(List.of(new TargetStats("id", "h", 22, "u", 1, 1.5, 3, 4, 5)), 7), null,
                List.of("/tmp/ansible-mitogen-secrets-1"));
    }

    @Test
    public void everythingThatCrossesTheChannelPassesTheControllersClassFilter() throws Exception {
        // Both directions: Prepare's result and Finish's argument are a Prepared; Prepare's argument a Request.
        for (Object obj : List.of(sampleRequest(), samplePrepared())) {
            Set<Class<?>> resolved = new LinkedHashSet<>();
            Object back = roundTrip(obj, resolved);
            assertTrue(resolved.toString(), resolved.contains(obj.getClass()));
            for (Class<?> c : resolved) {
                assertNull(JenkinsClassFilterRule.rejection(c));
            }
            if (obj instanceof AgentRun.Request r) {
                assertEquals(r.options(), ((AgentRun.Request) back).options());
            } else {
                assertEquals(((AgentRun.Prepared) obj).command().argv(), ((AgentRun.Prepared) back).command().argv());
            }
        }
    }

    @Test
    public void theRuleRejectsAPlainLibraryClassAndAnUnlistedJdkClass() throws Exception {
        // The rule itself must be able to fail: Jackson's jar has a plain manifest, like ours had.
        String why = JenkinsClassFilterRule.rejection(com.fasterxml.jackson.databind.ObjectMapper.class);
        assertTrue(why, why != null && why.contains("Jenkins-ClassFilter-Whitelisted"));
        assertTrue(JenkinsClassFilterRule.rejection(List.of(1).getClass()) != null); // List.of's ImmutableCollections
        assertNull(JenkinsClassFilterRule.rejection(java.util.ArrayList.class));
    }

    /** Serializes and reads back, recording every class the reader resolves (where remoting applies its filter). */
    static Object roundTrip(Object o, Set<Class<?>> resolved) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                Class<?> c = super.resolveClass(desc);
                resolved.add(c);
                return c;
            }
        }) {
            return in.readObject();
        }
    }
}
