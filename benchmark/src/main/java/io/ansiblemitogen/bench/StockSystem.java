package io.ansiblemitogen.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stock Ansible, ssh connection, as tuned users run it: pipelining on, ControlPersist masters. */
final class StockSystem implements BenchSystem {
    /** ansible-core's default ssh_args, spelled out so a local ansible.cfg cannot change them. */
    static final String SSH_ARGS = "-C -o ControlMaster=auto -o ControlPersist=60s";

    @Override
    public String id() {
        return "stock";
    }

    @Override
    public String label() {
        return "stock Ansible, ssh + pipelining + ControlPersist (ssh_args: " + SSH_ARGS + ")";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public List<String> command(boolean warm, Path stateDir) {
        return List.of("ansible-playbook");
    }

    @Override
    public Map<String, String> env(boolean warm, Path stateDir) {
        return Map.of("ANSIBLE_PIPELINING", "True", "ANSIBLE_SSH_ARGS", SSH_ARGS);
    }
}
