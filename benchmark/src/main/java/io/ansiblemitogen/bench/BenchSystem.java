package io.ansiblemitogen.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One accelerator (or none) under test: how to run ansible-playbook with it. */
interface BenchSystem {
    /** Short id used in results and on the command line: stock, mitogen, engine. */
    String id();

    /** Human-readable description for the report. */
    String label();

    /** Why this system cannot run here, if it cannot. */
    Optional<String> unavailable();

    /** The command before the ansible-playbook arguments (the engine CLI takes the same arguments). */
    List<String> command(boolean warm, Path stateDir);

    /** Environment the system needs on top of the benchmark's common one, cold or warm. */
    Map<String, String> env(boolean warm, Path stateDir);

    /**
     * Prepares a warm measurement: whatever must outlive one ansible-playbook (the engine daemon) starts here,
     * before the priming run; the returned handle stops it. Processes started here must carry {@code env}
     * (with its marker) so their CPU is counted and they are stopped in the end.
     */
    default AutoCloseable startWarm(Map<String, String> env, Path stateDir) {
        return () -> { };
    }
}
