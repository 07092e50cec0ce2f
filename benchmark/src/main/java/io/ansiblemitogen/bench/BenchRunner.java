package io.ansiblemitogen.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ansiblemitogen.testkit.Procs;

/**
 * Measures workloads under systems against one set of {@link Targets}. Every process a measurement starts carries
 * a marker and is stopped at its end, and every proxied connection is closed, so no measurement inherits
 * another's ControlMasters or daemons.
 */
final class BenchRunner {
    private final Targets targets;
    private final Path workDir;
    private final Duration timeout;
    private final PrintStream log;
    private final Path ansibleCfg;
    /** Prefix of every marker of this session: one sweep finds whatever any of its runs left behind. */
    private final String sessionMarker = "amb-" + ProcessHandle.current().pid() + "-";

    BenchRunner(Targets targets, Path workDir, Duration timeout, PrintStream log, int repeat, List<String> once) {
        this.repeat = Math.max(1, repeat);
        this.once = once == null ? List.of() : List.copyOf(once);
        this.targets = targets;
        this.workDir = workDir;
        this.timeout = timeout;
        this.log = log;
        try {
            // an empty config: no ansible.cfg from the current directory or /etc/ansible changes a run
            this.ansibleCfg = Files.writeString(workDir.resolve("ansible.cfg"), "[defaults]\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private volatile boolean stopped;
    private final int repeat;
    private final List<String> once;

    /**
     * One unreported one-task run per system before any measurement: the first run after a build or an install
     * pays once for what later runs reuse (the engine launcher's class-data archive, Python's bytecode caches),
     * and no workload should carry that.
     */
    void prepare(List<BenchSystem> systems) {
        Workload first = new Workload("first-run", "one command task, not reported", Workload.Kind.COMMAND, 1, 5, 1,
                0, 0, 0, 0, false);
        log.println("first run of each system (not reported):");
        for (RunResult r : run(first, systems, 1)) {
            if (!"ok".equals(r.status()) && !"skipped".equals(r.status())) {
                log.println("  warning: the first run of " + r.system() + " did not succeed: " + r.note());
            }
        }
    }

    /** Called on interruption (Ctrl-C): no further measurement starts. */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    String sessionMarker() {
        return sessionMarker;
    }

    /** Measures {@code w} under each system ({@link #runsFor} times; the median run stands for them). */
    List<RunResult> run(Workload w, List<BenchSystem> systems) {
        return run(w, systems, runsFor(w));
    }

    /** Runs of each system behind one figure of {@code w}: 1 if --once names it, else --repeat or a loop's own. */
    int runsFor(Workload w) {
        return once.contains(w.name()) ? 1 : w.runs(repeat);
    }

    /**
     * The systems' runs alternate (stock, Mitogen, engine, scp, stock, ...): this machine drifts by 15-20% over tens
     * of minutes, and measuring one system's repeats back to back would hand that drift to one side of a ratio.
     */
    private List<RunResult> run(Workload w, List<BenchSystem> systems, int times) {
        List<RunResult> results = new ArrayList<>();
        Path wdir = workDir.resolve("w").resolve(w.name());
        Path dest = workDir.resolve("dest");
        Path playbook = PlaybookWriter.write(w, wdir, dest);
        Path inventory = targets.writeInventory(w.hosts(), wdir.resolve("inventory.yml"));
        List<BenchSystem> available = new ArrayList<>();
        Map<String, String> skipped = new HashMap<>();
        for (BenchSystem s : systems) {
            var why = s.unavailable();
            if (why.isPresent()) {
                log.println("  " + s.id() + ": skipped: " + why.get());
                skipped.put(s.id(), why.get());
            } else {
                available.add(s);
            }
        }
        List<String> args = List.of("-i", inventory.toString(), "-f", Integer.toString(w.forks()),
                playbook.toString());
        Map<String, List<RunResult>> runs = new LinkedHashMap<>();
        available.forEach(s -> runs.put(s.id(), new ArrayList<>()));
        if (w.fileBytes() > 0) {
            runs.put("scp", new ArrayList<>());
        }
        for (int i = 0; i < times && !stopped; i++) {
            for (BenchSystem s : available) {
                if (stopped) {
                    break;
                }
                RunResult r = measure(w, s.id(), wdir, dest, (warm, state) -> {
                    List<String> argv = new ArrayList<>(s.command(warm, state));
                    argv.addAll(args);
                    return argv;
                }, s);
                log.printf("  %-8s %s%n", s.id(), summary(r));
                runs.get(s.id()).add(r);
            }
            if (w.fileBytes() > 0 && !stopped) {
                RunResult r = measureScp(w, wdir, dest);
                log.printf("  %-8s %s%n", "scp", summary(r));
                runs.get("scp").add(r);
            }
        }
        for (BenchSystem s : systems) {
            if (skipped.containsKey(s.id())) {
                results.add(RunResult.skipped(w.name(), s.id(), skipped.get(s.id())));
            }
            List<RunResult> mine = runs.get(s.id());
            if (mine != null && !mine.isEmpty()) {
                results.add(Repeats.representative(mine));
            }
        }
        List<RunResult> scp = runs.get("scp");
        if (scp != null && !scp.isEmpty()) {
            results.add(Repeats.representative(scp));
        }
        return results;
    }

    /** A directory no earlier run used (a repeat gets -2, -3...), so no state or log of one run meets another. */
    private Path freshRunDir(String name) {
        Path dir = workDir.resolve("r").resolve(name);
        for (int n = 2; Files.exists(dir); n++) {
            dir = workDir.resolve("r").resolve(name + "-" + n);
        }
        return dir;
    }

    private interface Command {
        List<String> argv(boolean warm, Path stateDir);
    }

    private RunResult measure(Workload w, String system, Path wdir, Path dest, Command cmd, BenchSystem s) {
        String marker = sessionMarker + w.name() + "-" + system + "-" + System.nanoTime();
        Path runDir = freshRunDir(w.name() + "-" + system);
        MarkedProcesses.Mark mark = new MarkedProcesses.Mark(marker, false, runDir.resolve("cp").toString());
        Path state = runDir.resolve("state");
        AutoCloseable warmHandle = null;
        try {
            Files.createDirectories(runDir.resolve("tmp"));
            Files.createDirectories(runDir.resolve("cp"));
            Map<String, String> env = new HashMap<>(commonEnv(w, runDir));
            if (s != null) {
                env.putAll(s.env(w.warm(), state));
            }
            env.put(MarkedProcesses.VARIABLE, marker);
            targets.proxy().setDelayMillis(w.delayMillis());
            Procs.deleteTree(dest);
            if (w.warm() && s != null) {
                warmHandle = s.startWarm(env, state);
                ProcessMeter.Outcome prime = ProcessMeter.run(cmd.argv(true, state), env, wdir,
                        runDir.resolve("prime.log"), timeout, mark);
                if (prime.exitCode() != 0) {
                    return result(w, system, prime, "priming run failed (exit " + prime.exitCode() + ")");
                }
                Procs.deleteTree(dest);
            }
            targets.proxy().resetCounters();
            ProcessMeter.Outcome o = ProcessMeter.run(cmd.argv(w.warm(), state), env, wdir, runDir.resolve("run.log"),
                    timeout, mark);
            return result(w, system, o, null);
        } catch (IOException | RuntimeException e) {
            return new RunResult(w.name(), system, "error", String.valueOf(e.getMessage()), 0, 0, 0, 0, 0, 0, 0, 0,
                    -1, w.fileBytes(), 0, 0);
        } finally {
            if (warmHandle != null) {
                try {
                    warmHandle.close();
                } catch (Exception ignored) {
                    // the marker sweep below stops it anyway
                }
            }
            MarkedProcesses.killAll(mark);
            targets.proxy().closeConnections();
            Procs.deleteTree(dest);
        }
    }

    private RunResult result(Workload w, String system, ProcessMeter.Outcome o, String note) {
        DelayProxy p = targets.proxy();
        Recap recap = Recap.parse(o.output());
        String status;
        if (o.timedOut()) {
            status = "timeout";
            note = "killed after " + timeout.toSeconds() + " s";
        } else if (o.exitCode() != 0 || recap.hostsFailed() > 0 || recap.hostsUnreachable() > 0
                || recap.hostsOk() != w.hosts()) {
            status = "failed";
            if (note == null) {
                note = "exit " + o.exitCode() + ", " + recap.hostsOk() + "/" + w.hosts() + " hosts ok; log "
                        + o.log() + ": " + tail(o.output());
            }
        } else {
            status = "ok";
        }
        return new RunResult(w.name(), system, status, note, o.wallSeconds(), o.cpuSeconds(), p.bytesToUpstream(),
                p.bytesFromUpstream(), p.connectionsAccepted(), recap.hostsOk(), recap.hostsFailed(),
                recap.hostsUnreachable(), o.exitCode(), w.fileBytes(),
                w.fileBytes() > 0 ? ProfileTasks.seconds(o.output(), PlaybookWriter.BIG_COPY_TASK) : 0,
                p.roundTrips());
    }

    /** scp of the same file through the same proxy port: the throughput a copy should approach. */
    private RunResult measureScp(Workload w, Path wdir, Path dest) {
        MarkedProcesses.Mark mark = new MarkedProcesses.Mark(sessionMarker + "scp-" + System.nanoTime(), false, null);
        Path runDir = freshRunDir(w.name() + "-scp");
        try {
            Files.createDirectories(runDir);
            Files.createDirectories(dest);
            targets.proxy().setDelayMillis(w.delayMillis());
            // an empty file first: what scp spends on connecting and authenticating, to take out of its copy time
            Path empty = Files.writeString(runDir.resolve("empty"), "");
            ProcessMeter.Outcome setup = ProcessMeter.run(scp(empty, dest.resolve("empty")), Map.of(), wdir,
                    runDir.resolve("setup.log"), timeout, mark);
            targets.proxy().closeConnections();
            targets.proxy().resetCounters();
            ProcessMeter.Outcome o = ProcessMeter.run(scp(PlaybookWriter.bigFile(wdir), dest.resolve("scp.bin")),
                    Map.of(), wdir, runDir.resolve("run.log"), timeout, mark);
            DelayProxy p = targets.proxy();
            String status = o.timedOut() ? "timeout" : o.exitCode() == 0 ? "ok" : "failed";
            double copy = setup.exitCode() == 0 && o.wallSeconds() > setup.wallSeconds()
                    ? o.wallSeconds() - setup.wallSeconds() : o.wallSeconds();
            return new RunResult(w.name(), "scp", status, o.exitCode() == 0
                    ? String.format(java.util.Locale.ROOT, "reference; connection set-up %.2f s (scp of an empty "
                            + "file) left out of its copy time", setup.wallSeconds()) : tail(o.output()),
                    o.wallSeconds(), o.cpuSeconds(), p.bytesToUpstream(), p.bytesFromUpstream(),
                    p.connectionsAccepted(), o.exitCode() == 0 ? 1 : 0, 0, 0, o.exitCode(), w.fileBytes(), copy,
                    p.roundTrips());
        } catch (IOException | RuntimeException e) {
            return new RunResult(w.name(), "scp", "error", String.valueOf(e.getMessage()), 0, 0, 0, 0, 0, 0, 0, 0,
                    -1, w.fileBytes(), 0, 0);
        } finally {
            MarkedProcesses.killAll(mark);
            targets.proxy().closeConnections();
            Procs.deleteTree(dest);
        }
    }

    private List<String> scp(Path from, Path to) {
        List<String> argv = new ArrayList<>(List.of("scp", "-q", "-P", Integer.toString(targets.route(0).port()),
                "-i", targets.clientKey().toString()));
        for (String a : targets.sshCommonArgs().split(" ")) {
            argv.add(a);
        }
        argv.add(from.toString());
        argv.add(targets.user() + "@" + Targets.HOST + ":" + to);
        return argv;
    }

    /** Everything this session started: marked processes and ssh masters under the work directory. */
    MarkedProcesses.Mark sessionMark() {
        return new MarkedProcesses.Mark(sessionMarker, true, workDir.toString());
    }

    private Map<String, String> commonEnv(Workload w, Path runDir) {
        Map<String, String> env = new HashMap<>();
        env.put("ANSIBLE_CONFIG", ansibleCfg.toString());
        env.put("ANSIBLE_FORKS", Integer.toString(w.forks()));
        env.put("ANSIBLE_HOST_KEY_CHECKING", targets.hostKeyChecking() ? "True" : "False");
        env.put("ANSIBLE_RETRY_FILES_ENABLED", "False");
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_DEPRECATION_WARNINGS", "False");
        env.put("ANSIBLE_LOCAL_TEMP", runDir.resolve("tmp").toString());
        // a private ControlPath directory per measurement: no ControlMaster of an earlier run can be reused
        env.put("ANSIBLE_SSH_CONTROL_PATH_DIR", runDir.resolve("cp").toString());
        if (w.fileBytes() > 0) {
            // the copy task's own duration, without the play's start-up, gives its throughput
            env.put("ANSIBLE_CALLBACKS_ENABLED", "ansible.posix.profile_tasks");
        }
        return env;
    }

    static String summary(RunResult r) {
        if (!r.measured()) {
            return r.status() + (r.note() != null ? ": " + r.note() : "");
        }
        return String.format("%s wall %.1f s, cpu %.1f s, out %s, in %s, %d conn%s", r.status(), r.wallSeconds(),
                r.cpuSeconds(), Report.bytes(r.bytesToTarget()), Report.bytes(r.bytesFromTarget()),
                r.connections(), r.note() != null && !"ok".equals(r.status()) ? " (" + r.note() + ")" : "");
    }

    private static String tail(String s) {
        String t = s.strip();
        t = t.length() > 300 ? t.substring(t.length() - 300) : t;
        return t.replace('\n', ' ');
    }
}
