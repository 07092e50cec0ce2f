package io.ansiblemitogen.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Mitogen for Ansible 0.3.3 from Debian's ansible-mitogen package, strategy mitogen_linear. */
final class MitogenSystem implements BenchSystem {
    static final Path STRATEGY_DIR = Path.of("/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy");

    @Override
    public String id() {
        return "mitogen";
    }

    @Override
    public String label() {
        return "Mitogen 0.3.3 (Debian ansible-mitogen), strategy mitogen_linear";
    }

    @Override
    public Optional<String> unavailable() {
        return Files.isDirectory(STRATEGY_DIR) ? Optional.empty()
                : Optional.of("ansible-mitogen is not installed (" + STRATEGY_DIR + " missing)");
    }

    @Override
    public List<String> command(boolean warm, Path stateDir) {
        return List.of("ansible-playbook");
    }

    @Override
    public Map<String, String> env(boolean warm, Path stateDir) {
        // the same ssh_args and pipelining setting as stock: Mitogen reads both, and the comparison stays fair
        return Map.of("ANSIBLE_STRATEGY_PLUGINS", STRATEGY_DIR.toString(), "ANSIBLE_STRATEGY", "mitogen_linear",
                "ANSIBLE_PIPELINING", "True", "ANSIBLE_SSH_ARGS", StockSystem.SSH_ARGS);
    }
}
