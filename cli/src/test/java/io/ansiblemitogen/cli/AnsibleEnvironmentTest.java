package io.ansiblemitogen.cli;

import org.junit.Test;

import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class AnsibleEnvironmentTest {
    @Test
    public void eachStockStrategyKeepsItsSemanticsUnderTheAccelerator() {
        assertEquals("mitogen_linear", AnsibleEnvironment.acceleratedStrategy(null));
        assertEquals("mitogen_linear", AnsibleEnvironment.acceleratedStrategy("linear"));
        assertEquals("mitogen_free", AnsibleEnvironment.acceleratedStrategy("free"));
        assertEquals("mitogen_free", AnsibleEnvironment.acceleratedStrategy("ansible.builtin.free"));
        assertEquals("mitogen_free", AnsibleEnvironment.acceleratedStrategy("mitogen_free"));
        assertEquals("mitogen_host_pinned", AnsibleEnvironment.acceleratedStrategy("host_pinned"));
        // no twin: kept as the user set it (its tasks reach the engine through the connection plugins)
        assertNull(AnsibleEnvironment.acceleratedStrategy("debug"));
        assertNull(AnsibleEnvironment.acceleratedStrategy("acme.tools.fancy"));
    }

    @Test
    public void connectionModeSetsNoStrategyAtAll() throws Exception {
        Map<String, String> env = AnsibleEnvironment.forEngine(null, Map.of("ANSIBLE_STRATEGY", "free",
                "ANSIBLE_CONNECTION_PLUGINS", "/mine"), RoutingMode.CONNECTION);
        assertFalse(env.containsKey("ANSIBLE_STRATEGY"));
        assertFalse(env.containsKey("ANSIBLE_STRATEGY_PLUGINS"));
        assertTrue(env.get("ANSIBLE_CONNECTION_PLUGINS"), env.get("ANSIBLE_CONNECTION_PLUGINS").endsWith("/connection:/mine"));
        assertEquals("connection", env.get("ANSIBLE_MITOGEN_MODE"));
    }

    @Test
    public void strategyModeRoutesConnectionsToo() throws Exception {
        Map<String, String> env = AnsibleEnvironment.forEngine(null, Map.of("ANSIBLE_STRATEGY", "free"),
                RoutingMode.STRATEGY);
        assertEquals("mitogen_free", env.get("ANSIBLE_STRATEGY"));
        assertTrue(env.get("ANSIBLE_STRATEGY_PLUGINS").endsWith("/strategy"));
        assertTrue(env.get("ANSIBLE_CONNECTION_PLUGINS").endsWith("/connection"));
    }

    @Test
    public void modeComesFromTheArgumentThenTheEnvironment() {
        assertEquals(RoutingMode.STRATEGY, RoutingMode.select(List.of(), Map.of()));
        assertEquals(RoutingMode.CONNECTION, RoutingMode.select(List.of(), Map.of("ANSIBLE_MITOGEN_MODE", "connection")));
        assertEquals(RoutingMode.STRATEGY, RoutingMode.select(List.of("--mode", "strategy"),
                Map.of("ANSIBLE_MITOGEN_MODE", "connection")));
        assertEquals(RoutingMode.CONNECTION, RoutingMode.select(List.of("--mode=connection"), Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutingMode.select(List.of(), Map.of("ANSIBLE_MITOGEN_MODE", "fast")));
        assertTrue(e.getMessage(), e.getMessage().contains("ANSIBLE_MITOGEN_MODE=fast"));
    }
}
