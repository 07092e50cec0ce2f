package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.TargetSpec;

import java.util.Set;

/**
 * What the OpenSSH client prints on stderr when a command that had a terminal ({@code ssh -tt}, which stock
 * Ansible uses for {@code raw} and {@code script}) ends: "Shared connection to HOST closed." through a ControlMaster
 * (Ansible's default ssh_args), "Connection to HOST closed." without one, nothing below LogLevel INFO. Stock
 * Ansible returns it as part of the task's stderr, so the engine does too.
 */
public final class TtyCloseNotice {
    private static final Set<String> QUIET = Set.of("QUIET", "FATAL", "ERROR");

    private TtyCloseNotice() {
    }

    public static String forTarget(TargetSpec target) {
        SshOptions o;
        try {
            o = SshOptions.forTarget(target);
        } catch (SshOptionException e) {
            return ""; // The connection itself reports a bad option.
        }
        if (QUIET.contains(o.logLevel())) {
            return "";
        }
        return (o.multiplexed() ? "Shared connection to " : "Connection to ") + target.host() + " closed.\r\n";
    }
}
