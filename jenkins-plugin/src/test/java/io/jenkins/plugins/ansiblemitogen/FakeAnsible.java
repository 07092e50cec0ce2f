package io.jenkins.plugins.ansiblemitogen;

import hudson.EnvVars;
import io.ansiblemitogen.jenkins.EngineClient;
import io.ansiblemitogen.jenkins.SocketDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * A stand-in for ansible-playbook (no Ansible is needed to test the plugin's wiring): it echoes its argv, the
 * engine environment and the extra-vars files, prints a remote log record, records the key path it was given,
 * and can sleep (to be aborted) or fail. The engine daemon, by contrast, is the real one from the bundled jar,
 * in a socket directory of its own that {@link #close()} shuts down.
 */
final class FakeAnsible implements AutoCloseable {
    final Path dir;
    final Path executable;
    final Path keyPathRecord;
    final Path pidFile;
    final Path socketDir;

    FakeAnsible() throws IOException {
        dir = Files.createTempDirectory("fake-ansible");
        // Short, private and under /tmp: a Unix socket path must stay under ~100 bytes.
        socketDir = Files.createTempDirectory(Path.of("/tmp"), "amt");
        keyPathRecord = dir.resolve("key-path");
        pidFile = dir.resolve("pid");
        executable = dir.resolve("ansible-playbook");
        Files.writeString(executable, String.join("\n",
                "#!/bin/sh",
                "echo \"fake-ansible-playbook $*\"",
                "echo \"strategy=$ANSIBLE_STRATEGY isolation=${ANSIBLE_MITOGEN_TASK_ISOLATION:-unset}"
                        + " interpreters=${MITOGEN_MAX_INTERPRETERS:-unset} socket=$ANSIBLE_MITOGEN_SOCKET\"",
                "prev=",
                "for a in \"$@\"; do",
                "  case \"$a\" in @*) echo \"vars: $(cat \"${a#@}\")\";; esac",
                "  if [ \"$prev\" = --private-key ]; then echo \"$a\" | sed 's/%%/%/g' > '" + keyPathRecord + "'; fi",
                "  prev=\"$a\"",
                "done",
                "echo '[mitogen:web1] WARNING ansible_mitogen.runner: remote says hello'",
                "if [ -n \"$FAKE_SLEEP\" ]; then echo $$ > '" + pidFile + "'; echo sleeping; sleep \"$FAKE_SLEEP\"; fi",
                "exit ${FAKE_RC:-0}",
                ""));
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwx------"));
    }

    /** Node environment that sends this agent's daemon to our own socket directory. */
    EnvVars agentEnv() {
        return new EnvVars("ANSIBLE_MITOGEN_SOCKET_DIR", socketDir.toString(), "ANSIBLE_MITOGEN_IDLE_TIMEOUT", "5");
    }

    @Override
    public void close() throws Exception {
        try (EngineClient c = EngineClient.connect(SocketDir.socket(socketDir), Duration.ofSeconds(5))) {
            c.request("shutdown", null);
        } catch (IOException notRunning) {
            // nothing to stop
        }
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
