package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The agent-side half of a run, in two calls around the ansible-playbook process (which Jenkins' launcher starts,
 * so that aborting the build kills it): {@link #prepare} makes sure a daemon runs, writes the secrets and builds
 * the command; {@link #finish} deletes the secrets and computes the summary line.
 */
public final class AgentRun {
    public static final int DEFAULT_IDLE_TIMEOUT_MINUTES = DaemonSettings.DEFAULT_IDLE_TIMEOUT_MINUTES;

    /** Everything the agent needs; strings for paths because this crosses the remoting channel. */
    public record Request(PlaybookOptions options, RunCredentials credentials, String executable,
            Map<String, String> environment, String workspace, String secretsParent, String jar,
            String socketDir, int idleTimeoutMinutes) implements Serializable {
        public Request {
            environment = new java.util.LinkedHashMap<>(environment); // see PreparedCommand on JEP-200
        }

        @Override
        public Map<String, String> environment() {
            return java.util.Collections.unmodifiableMap(environment);
        }
    }

    /**
     * What {@link #prepare} produced; {@link #finish} needs it back. {@code removedStale} lists the secrets
     * directories of earlier, interrupted runs that this one deleted (see {@link StaleSecrets}).
     */
    public record Prepared(PreparedCommand command, String secretsDir, String socket, EngineInfo engine,
            boolean daemonStarted, PoolSnapshot poolBefore, String poolError, List<String> removedStale)
            implements Serializable {
        public Prepared {
            removedStale = new ArrayList<>(removedStale); // plain ArrayList: crosses remoting (JEP-200)
        }

        @Override
        public List<String> removedStale() {
            return Collections.unmodifiableList(removedStale);
        }
    }

    private AgentRun() {
    }

    public static Prepared prepare(Request r) throws IOException, InterruptedException {
        // The agent JVM's own environment, not the build's: every build on this agent must find the same daemon.
        Path socketDir = r.socketDir() != null ? Path.of(r.socketDir()) : SocketDir.defaultDir(System.getenv());
        DaemonLauncher.Config cfg = DaemonLauncher.Config.forJar(Path.of(r.jar()), socketDir, r.idleTimeoutMinutes());
        DaemonLauncher.Launch launch = new DaemonLauncher(cfg).ensureRunning();
        Path plugins = PluginPathResolver.resolve(cfg.command(), Duration.ofSeconds(60));

        PoolSnapshot before = PoolSnapshot.EMPTY;
        String poolError = null;
        try (EngineClient c = EngineClient.connect(launch.socket(), cfg.requestTimeout())) {
            c.hello(DaemonHandshake.CLIENT);
            before = c.poolSnapshot();
        } catch (IOException e) {
            poolError = e.getMessage(); // only the summary line suffers; the run itself can go on
        }

        Path secretsParent = r.secretsParent() != null ? Path.of(r.secretsParent()) : null;
        List<String> removedStale = StaleSecrets.sweep(SecretFiles.parentOrDefault(secretsParent));
        SecretFiles secrets = SecretFiles.create(secretsParent, r.workspace() != null ? Path.of(r.workspace()) : null);
        try {
            PreparedCommand cmd = new CommandLineBuilder(r.options()).executable(r.executable())
                    .credentials(r.credentials()).baseEnvironment(r.environment())
                    .engine(new EngineEndpoint(plugins.toString(), launch.socket().toString()))
                    .build(secrets);
            return new Prepared(cmd, secrets.dir().toString(), launch.socket().toString(), launch.engine(),
                    launch.started(), before, poolError, removedStale);
        } catch (IOException | RuntimeException e) {
            secrets.close();
            throw e;
        }
    }

    /** Deletes the secrets (always) and returns the summary line for the console. */
    public static String finish(Prepared p) throws IOException {
        try {
            SecretFiles.reopen(Path.of(p.secretsDir())).close();
        } catch (IOException e) {
            if (java.nio.file.Files.exists(Path.of(p.secretsDir()))) {
                throw e;
            }
        }
        if (p.poolError() != null) {
            return "ansible-mitogen: connection summary unavailable: " + p.poolError();
        }
        try (EngineClient c = EngineClient.connect(Path.of(p.socket()), Duration.ofSeconds(10))) {
            c.hello(DaemonHandshake.CLIENT);
            return RunSummary.between(p.poolBefore(), c.poolSnapshot()).line();
        } catch (IOException e) {
            return "ansible-mitogen: connection summary unavailable: " + e.getMessage();
        }
    }
}
