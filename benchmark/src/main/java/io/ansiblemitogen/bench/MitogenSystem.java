package io.ansiblemitogen.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.ansiblemitogen.testkit.Procs;

/**
 * Mitogen for Ansible, strategy mitogen_linear, from one Debian package set: the version users would install
 * today (Debian sid's, fetched and unpacked by {@code benchmark/fetch-mitogen.sh}, put first on PYTHONPATH), or
 * Debian 12's installed 0.3.3 as a second, opt-in column.
 */
final class MitogenSystem implements BenchSystem {
    /** The peer the suite measures by default: Debian sid's ansible-mitogen + python3-mitogen. */
    static final String CURRENT_DEBIAN_VERSION = "0.3.54-1";
    static final String CURRENT_ID = "mitogen";
    static final String DEBIAN12_ID = "mitogen033";
    private static final Path SYSTEM_SITE = Path.of("/usr/lib/python3/dist-packages");

    private final String id;
    private final String version;
    private final String source;
    /** The dist-packages holding ansible_mitogen and mitogen; null if it could not be had (see {@link #why}). */
    private final Path site;
    private final boolean onPythonPath;
    private final String why;

    private MitogenSystem(String id, String version, String source, Path site, boolean onPythonPath, String why) {
        this.id = id;
        this.version = version;
        this.source = source;
        this.site = site;
        this.onPythonPath = onPythonPath;
        this.why = why;
    }

    /**
     * Debian sid's Mitogen, unpacked under {@code cacheDir} (fetched on first use; later runs reuse it). A fetch
     * that fails leaves the system unavailable with the script's message, and the other systems still run.
     */
    static MitogenSystem current(Path repo, Path cacheDir) {
        String version = upstream(CURRENT_DEBIAN_VERSION);
        String source = "Debian sid's ansible-mitogen + python3-mitogen " + CURRENT_DEBIAN_VERSION
                + ", unpacked with dpkg -x and first on PYTHONPATH";
        Path dir = cacheDir.resolve("mitogen-" + CURRENT_DEBIAN_VERSION);
        Procs.Output o;
        try {
            o = Procs.run(List.of("sh", repo.resolve("benchmark/fetch-mitogen.sh").toString(), dir.toString(),
                    CURRENT_DEBIAN_VERSION), null, 300);
        } catch (RuntimeException e) {
            return new MitogenSystem(CURRENT_ID, version, source, null, true, "cannot fetch it: " + e.getMessage());
        }
        if (o.exitCode() != 0) {
            String err = o.stderr().strip();
            return new MitogenSystem(CURRENT_ID, version, source, null, true, "benchmark/fetch-mitogen.sh failed: "
                    + err.substring(Math.max(0, err.length() - 300)).replace('\n', ' '));
        }
        return new MitogenSystem(CURRENT_ID, version, source, Path.of(o.stdout().strip()), true, null);
    }

    /** Debian 12's installed ansible-mitogen 0.3.3 (bin/setup installs it). */
    static MitogenSystem debian12() {
        boolean there = Files.isDirectory(strategyDir(SYSTEM_SITE));
        return new MitogenSystem(DEBIAN12_ID, "0.3.3", "Debian 12's installed ansible-mitogen", SYSTEM_SITE, false,
                there ? null : "ansible-mitogen is not installed (" + strategyDir(SYSTEM_SITE) + " missing)");
    }

    /** "0.3.54-1" to "0.3.54": the upstream version a reader knows Mitogen by. */
    static String upstream(String debianVersion) {
        int dash = debianVersion.lastIndexOf('-');
        return dash > 0 ? debianVersion.substring(0, dash) : debianVersion;
    }

    static Path strategyDir(Path site) {
        return site.resolve("ansible_mitogen/plugins/strategy");
    }

    @Override
    public String id() {
        return id;
    }

    String version() {
        return version;
    }

    @Override
    public String label() {
        return "Mitogen " + version + " (" + source + "), strategy mitogen_linear";
    }

    @Override
    public Optional<String> unavailable() {
        if (why != null) {
            return Optional.of(why);
        }
        return Files.isDirectory(strategyDir(site)) ? Optional.empty()
                : Optional.of(strategyDir(site) + " missing");
    }

    @Override
    public List<String> command(boolean warm, Path stateDir) {
        return List.of("ansible-playbook");
    }

    @Override
    public Map<String, String> env(boolean warm, Path stateDir) {
        // the same ssh_args and pipelining setting as stock: Mitogen reads both, and the comparison stays fair
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "ANSIBLE_STRATEGY_PLUGINS", strategyDir(site).toString(), "ANSIBLE_STRATEGY", "mitogen_linear",
                "ANSIBLE_PIPELINING", "True", "ANSIBLE_SSH_ARGS", StockSystem.SSH_ARGS));
        if (onPythonPath) {
            // ahead of the system's dist-packages, where Debian 12's mitogen 0.3.3 may be installed: the
            // strategy plugin imports ansible_mitogen and mitogen from here, and ships this mitogen to targets
            env.put("PYTHONPATH", site.toString());
        }
        return env;
    }
}
