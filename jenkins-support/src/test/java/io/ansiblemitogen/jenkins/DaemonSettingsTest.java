package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.junit.Test;

public class DaemonSettingsTest {
    @Test
    public void defaultsAndOverrides() {
        assertEquals(new DaemonSettings(null, 30), DaemonSettings.fromEnvironment(Map.of()));
        assertEquals(new DaemonSettings("/srv/am", 5), DaemonSettings.fromEnvironment(
                Map.of(DaemonSettings.SOCKET_DIR, " /srv/am ", DaemonSettings.IDLE_TIMEOUT, "5")));
    }

    @Test
    public void badIdleTimeoutIsNamed() {
        for (String bad : new String[] {"0", "-3", "ten"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DaemonSettings.fromEnvironment(Map.of(DaemonSettings.IDLE_TIMEOUT, bad)));
            assertTrue(e.getMessage(), e.getMessage().startsWith(DaemonSettings.IDLE_TIMEOUT));
        }
    }
}
