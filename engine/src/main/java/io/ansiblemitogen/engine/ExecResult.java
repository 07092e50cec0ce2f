package io.ansiblemitogen.engine;

/** What a command or module run produced on the target. */
public record ExecResult(int rc, byte[] stdout, byte[] stderr) {
}
