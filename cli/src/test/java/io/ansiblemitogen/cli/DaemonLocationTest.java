package io.ansiblemitogen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.server.SocketDirs;
import io.ansiblemitogen.wire.Json;
import org.junit.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** Which daemon the CLI talks to (the names the Jenkins side sets), and how {@code pool status} shows it. */
public class DaemonLocationTest {
    @Test
    public void optionThenSocketThenDirectoryThenDefault() {
        Map<String, String> both = Map.of("ANSIBLE_MITOGEN_SOCKET", "/x/s.sock", "ANSIBLE_MITOGEN_SOCKET_DIR", "/d");
        assertEquals(Path.of("/opt/engine.sock"), DaemonLocation.socket("/opt", both));
        assertEquals(Path.of("/x/s.sock"), DaemonLocation.socket(null, both));
        assertEquals(Path.of("/d/engine.sock"), DaemonLocation.socket(null, Map.of("ANSIBLE_MITOGEN_SOCKET_DIR", "/d")));
        assertEquals(Path.of("/d/engine.sock"), DaemonLocation.socket(null,
                Map.of("ANSIBLE_MITOGEN_SOCKET", " ", "ANSIBLE_MITOGEN_SOCKET_DIR", "/d")));
        assertEquals(SocketDirs.socketIn(SocketDirs.defaultDir()), DaemonLocation.socket(null, Map.of()));
        assertTrue(DaemonLocation.named(Map.of("ANSIBLE_MITOGEN_SOCKET_DIR", "/d")));
        assertFalse(DaemonLocation.named(Map.of("ANSIBLE_MITOGEN_SOCKET", "")));
    }

    @Test
    public void idleTimeoutFromTheEnvironmentIsInMinutes() {
        assertEquals(30 * 60_000L, DaemonLocation.idleMillis(Map.of()));
        assertEquals(5 * 60_000L, DaemonLocation.idleMillis(Map.of("ANSIBLE_MITOGEN_IDLE_TIMEOUT", "5")));
        try {
            DaemonLocation.idleMillis(Map.of("ANSIBLE_MITOGEN_IDLE_TIMEOUT", "5m"));
            throw new AssertionError("5m accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("ANSIBLE_MITOGEN_IDLE_TIMEOUT"));
        }
    }

    @Test
    public void poolStatusShowsInterpretersAgeRequestsAndBytes() {
        ObjectNode st = Json.object().put("connections_opened", 3).put("connections_reused", 7);
        st.putArray("targets").addObject().put("identity", "0123456789abcdef").put("label", "ssh:root@10.0.0.5:22")
                .put("host", "web1").put("alive", false).put("age_s", 125.4).put("idle_s", 3.2).put("requests", 42)
                .put("bytes_in", 1000).put("bytes_out", 20000).put("become_interpreters", 2)
                .putArray("interpreters").add("/usr/bin/python3");
        String out = PoolCommand.render(Path.of("/d/engine.sock"), st);
        assertTrue(out, out.startsWith("daemon /d/engine.sock: 1 target, connections opened 3, reused 7\n"));
        String row = out.lines().filter(l -> l.startsWith("web1")).findFirst().orElseThrow();
        assertEquals(java.util.List.of("web1", "ssh:root@10.0.0.5:22", "(dead)", "0123456789abcdef",
                "/usr/bin/python3", "+2", "become", "125", "3", "42", "1000", "20000"),
                java.util.List.of(row.trim().split("\\s+")));
    }

    @Test
    public void describesTheIdleTimeoutInItsOwnUnit() {
        assertEquals("30 min", DaemonCommand.describe(30 * 60_000L));
        assertEquals("90 s", DaemonCommand.describe(90_000L));
    }
}
