package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;

/**
 * What the Jenkins plugin sends to and gets back from an agent must survive Java serialization, and should use
 * only JDK classes that Jenkins' remoting class filter (JEP-200) is known to accept.
 */
public class RemotingSerializationTest {
    private static final Set<String> ALLOWED_JDK = Set.of("java.util.ArrayList", "java.util.LinkedHashMap",
            "java.util.HashMap", "java.util.LinkedHashSet", "java.util.HashSet", "java.lang.Integer",
            "java.lang.Number", "java.lang.Boolean", "java.lang.Enum", "java.lang.Record", "java.lang.Double");

    @Test
    public void requestAndPreparedUseOnlyPlainCollections() throws Exception {
        PlaybookOptions o = PlaybookOptions.builder("site.yml").taskIsolation(TaskIsolation.FORK).verbosity(2)
                .extraVars(Map.of("l", List.of(1, Map.of("k", List.of("v"))), "s", new SecretValue("x"))).build();
        AgentRun.Request req = new AgentRun.Request(o, RunCredentials.sshKey("u", List.of("KEY"), "p")
                .withVaultPassword("v"), null, Map.of("A", "b"), "/ws", null, "/jar", null, 30);
        AgentRun.Prepared prepared = new AgentRun.Prepared(new PreparedCommand(List.of("a", "b"), Map.of("K", "V"),
                Set.of("x")), "/tmp/x", "/run/s", new EngineInfo(1, "1.0"), true,
                new PoolSnapshot(List.of(new TargetStats("id", "h", 22, "u", 1, 1.5, 3, 4, 5)), 7), null);
        for (Object obj : List.of(req, prepared)) {
            Set<String> classes = new TreeSet<>();
            byte[] bytes = serialize(obj, classes);
            for (String c : classes) {
                assertTrue("unexpected JDK class " + c + " in " + classes,
                        !c.startsWith("java.") || ALLOWED_JDK.contains(c));
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                Object back = in.readObject();
                if (obj instanceof AgentRun.Request r) {
                    assertEquals(r.options(), ((AgentRun.Request) back).options());
                } else {
                    assertEquals(prepared.command().argv(), ((AgentRun.Prepared) back).command().argv());
                }
            }
        }
    }

    private static byte[] serialize(Object o, Set<String> classes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
            @Override
            protected void annotateClass(Class<?> cl) {
                classes.add(cl.getName());
            }
        }) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }
}
