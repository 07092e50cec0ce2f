package io.ansiblemitogen.jenkins;

import java.util.Locale;

/** Which of our Ansible strategy plugins runs the play. */
public enum Strategy {
    LINEAR("mitogen_linear"), FREE("mitogen_free");

    private final String pluginName;

    Strategy(String pluginName) {
        this.pluginName = pluginName;
    }

    /** The value for {@code ANSIBLE_STRATEGY}. */
    public String pluginName() {
        return pluginName;
    }

    /** The short name users write ({@code linear} or {@code free}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Accepts {@code linear}, {@code free} and the plugin names Mitogen users already have in ansible.cfg. */
    public static Strategy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Strategy v : values()) {
            if (v.value().equals(t) || v.pluginName.equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("strategy must be 'linear' or 'free' (or mitogen_linear/mitogen_free), not '"
                + text + "'");
    }
}
