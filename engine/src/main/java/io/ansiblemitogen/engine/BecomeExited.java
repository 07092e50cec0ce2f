package io.ansiblemitogen.engine;

import io.ansiblemitogen.become.BecomeException;

import java.nio.charset.StandardCharsets;

/**
 * The become program (sudo, su, doas) ended before Python started: no such user, an option it refuses, not
 * allowed to run the command. Stock Ansible runs {@code sudo ... sh -c '... python3'} as the task's command, so
 * there the task's command simply failed: its exit status and its words are the task's {@code rc} and
 * {@code module_stderr} (MODULE FAILURE). Commands and modules report it that way ({@link #asResult}); other
 * operations fail with the message.
 */
final class BecomeExited extends EngineException {
    private final int rc;
    private final String said;

    BecomeExited(String host, BecomeException cause) {
        super(Kind.FAILED, host, null, cause.getMessage(), cause);
        withBecome(cause.reason().wireName());
        this.rc = cause.exitStatus();
        this.said = cause.said();
    }

    /**
     * The result stock's command would have had: the program's words on stderr, or, on a terminal (stock's
     * {@code ssh -tt}), on stdout with CR LF line ends, with what ends the terminal session on stderr.
     */
    ExecResult asResult(boolean pty, String ttyNotice) {
        if (pty) {
            return new ExecResult(rc, said.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
                    ttyNotice.getBytes(StandardCharsets.UTF_8));
        }
        return new ExecResult(rc, new byte[0], said.getBytes(StandardCharsets.UTF_8));
    }
}
