package io.ansiblemitogen.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.ansiblemitogen.testkit.Procs;

/**
 * This project's engine, driven through its CLI by command templates, so the benchmark does not depend on the
 * CLI's internals. Templates are split on spaces; {@code {repo}} is the repository root and {@code {state}} a
 * private directory of the measurement (for a daemon socket, say).
 *
 * <p>Defaults follow the CLI: {@code ansible-mitogen playbook} uses the daemon at {@code ANSIBLE_MITOGEN_SOCKET}
 * and embeds an engine when {@code ANSIBLE_MITOGEN_EMBEDDED=1}.
 * <ul>
 *   <li>cold: {@code {repo}/bin/ansible-mitogen playbook} with {@code ANSIBLE_MITOGEN_EMBEDDED=1}, so no daemon
 *   anyone left at the default socket can serve it</li>
 *   <li>warm: the warm template (default: the cold one) with {@code ANSIBLE_MITOGEN_SOCKET={state}/sock/engine.sock},
 *   served by {@code {repo}/bin/ansible-mitogen daemon --socket-dir {state}/sock}, started before the priming
 *   run; the ready template ({@code test -S {state}/sock/engine.sock}) is polled until it exits 0</li>
 * </ul>
 */
final class EngineSystem implements BenchSystem {
    private final Path repo;
    private final String coldTemplate;
    private final String warmTemplate;
    private final String daemonTemplate;
    private final String readyTemplate;
    private final Map<String, String> extraEnv;

    EngineSystem(Path repo, String coldTemplate, String warmTemplate, String daemonTemplate, String readyTemplate,
            Map<String, String> extraEnv) {
        this.repo = repo;
        this.coldTemplate = coldTemplate != null ? coldTemplate : "{repo}/bin/ansible-mitogen playbook";
        this.warmTemplate = warmTemplate != null ? warmTemplate : this.coldTemplate;
        this.daemonTemplate = daemonTemplate != null ? daemonTemplate
                : "{repo}/bin/ansible-mitogen daemon --socket-dir {state}/sock --idle-timeout 10";
        this.readyTemplate = readyTemplate != null ? readyTemplate : "test -S {state}/sock/engine.sock";
        this.extraEnv = Map.copyOf(extraEnv);
    }

    @Override
    public String id() {
        return "engine";
    }

    @Override
    public String label() {
        return "this engine: cold `" + coldTemplate + "` (ANSIBLE_MITOGEN_EMBEDDED=1), warm `" + warmTemplate
                + "` (ANSIBLE_MITOGEN_SOCKET) with `" + daemonTemplate + "` running";
    }

    @Override
    public Optional<String> unavailable() {
        String exe = expand(coldTemplate, Path.of("/")).get(0);
        if (!Files.isExecutable(Path.of(exe))) {
            return Optional.of("engine: not available (" + exe + " not found or not executable; the CLI has "
                    + "not landed yet, or pass --engine-cmd)");
        }
        return Optional.empty();
    }

    @Override
    public List<String> command(boolean warm, Path stateDir) {
        return expand(warm ? warmTemplate : coldTemplate, stateDir);
    }

    @Override
    public Map<String, String> env(boolean warm, Path stateDir) {
        Map<String, String> env = new java.util.HashMap<>();
        if (warm) {
            env.put("ANSIBLE_MITOGEN_SOCKET", stateDir.resolve("sock").resolve("engine.sock").toString());
        } else {
            env.put("ANSIBLE_MITOGEN_EMBEDDED", "1");
        }
        extraEnv.forEach((k, v) -> env.put(k, v.replace("{repo}", repo.toString()).replace("{state}",
                stateDir.toString())));
        return env;
    }

    @Override
    public AutoCloseable startWarm(Map<String, String> env, Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            ProcessBuilder pb = new ProcessBuilder(expand(daemonTemplate, stateDir))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(stateDir.resolve("daemon.log").toFile());
            pb.environment().putAll(env);
            Process daemon = pb.start();
            waitReady(daemon, env, stateDir);
            return () -> Procs.killTree(daemon.toHandle());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the engine daemon", e);
        }
    }

    private void waitReady(Process daemon, Map<String, String> env, Path stateDir) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new IllegalStateException("the engine daemon exited with " + daemon.exitValue()
                        + "; see " + stateDir.resolve("daemon.log"));
            }
            ProcessBuilder pb = new ProcessBuilder(expand(readyTemplate, stateDir))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            try {
                if (pb.start().waitFor() == 0) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run the readiness probe", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Procs.sleep(200);
        }
        throw new IllegalStateException("the engine daemon was not ready within 30 s");
    }

    List<String> expand(String template, Path stateDir) {
        List<String> out = new ArrayList<>();
        for (String t : template.trim().split("\\s+")) {
            out.add(t.replace("{repo}", repo.toString()).replace("{state}", stateDir.toString()));
        }
        return out;
    }
}
