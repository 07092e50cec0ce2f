package io.ansiblemitogen.wire;

import static org.junit.Assert.assertEquals;

import java.util.Map;
import org.junit.Test;

/** The on/off rule; ansible-plugin's test_switch.py holds the same table for switch.py. */
public class SwitchTest {
    static final Map<String, Boolean> TABLE = Map.ofEntries(
            Map.entry("", false), Map.entry("  ", false), Map.entry("0", false), Map.entry("false", false),
            Map.entry("False", false), Map.entry("no", false), Map.entry(" NO ", false), Map.entry("off", false),
            Map.entry("n", false), Map.entry("1", true), Map.entry("true", true), Map.entry("yes", true),
            Map.entry("on", true), Map.entry("y", true), Map.entry("2", true), Map.entry("anything", true));

    @Test
    public void offWordsAreOffAndEverythingElseIsOn() {
        TABLE.forEach((value, expected) -> assertEquals("'" + value + "'", expected, Switch.on(value)));
        assertEquals(false, Switch.on(null));
        assertEquals(true, Switch.on(null, true));
        assertEquals(false, Switch.on("no", true));
    }
}
