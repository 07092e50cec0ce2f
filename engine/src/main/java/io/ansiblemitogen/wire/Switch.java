package io.ansiblemitogen.wire;

import java.util.Locale;
import java.util.Set;

/**
 * The one rule for an on/off setting given as text (an environment variable such as MITOGEN_ROUTER_DEBUG or
 * ANSIBLE_MITOGEN_SUMMARY), the same in Java and in the Python plugin ({@code switch.py}; docs/protocol.md
 * "On/off settings"): unset, empty, {@code 0}, {@code false}, {@code no}, {@code off} and {@code n} (any case,
 * surrounding blanks ignored) are off; anything else is on. So {@code MITOGEN_ROUTER_DEBUG=no} means off on both
 * sides, where they used to disagree.
 */
public final class Switch {
    private static final Set<String> OFF = Set.of("", "0", "false", "no", "off", "n");

    private Switch() {
    }

    public static boolean on(String value) {
        return value != null && !OFF.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** The setting's value, or {@code dflt} when it is not set at all. */
    public static boolean on(String value, boolean dflt) {
        return value == null ? dflt : on(value);
    }
}
