package io.ansiblemitogen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Something listens on the daemon's socket but does not take the connection or answer the hello in time: a daemon
 * that ran out of file descriptors, or is stuck. The message names the socket and what to do.
 */
public final class DaemonNotAnswering extends IOException {
    DaemonNotAnswering(Path socket, String what, Duration timeout) {
        super("the ansible-mitogen daemon at " + socket + " " + what + " within " + timeout.toSeconds() + " s; it may"
                + " be out of file descriptors (ulimit -n) or stuck: look at its output (or daemon.log beside the"
                + " socket when the Ansible plugin started it), then stop it (kill the pid its first line names) so"
                + " that the next run starts a new one");
    }
}
