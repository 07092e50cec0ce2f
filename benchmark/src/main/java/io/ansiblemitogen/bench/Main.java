package io.ansiblemitogen.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.ansiblemitogen.testkit.Procs;

/**
 * The benchmark command: runs the selected workloads under stock Ansible, Mitogen and this engine against
 * loopback sshd targets behind a delaying, counting proxy, and writes docs/benchmarks.md, charts and JSON.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: bench.sh [options]",
            "  --quick                 small counts: a smoke run of every workload in a few minutes",
            "  --publish               write the report into REPO/docs (benchmarks.md, benchmarks/*.png,",
            "                          benchmarks/results.json): only for a full run (not --quick, every workload",
            "                          and system); without it the report goes to REPO/bench-results/DATE-TIME/",
            "  --repeat N              run each measurement N times and report the median run (default: 1;",
            "                          loop workloads run at least " + Workload.LOOP_RUNS + " times)",
            "  --once a,b,...          workloads measured once whatever --repeat says (the long ones)",
            "  --workloads a,b,...     run only these (see --list); default: all",
            "  --systems a,b,...       stock, mitogen (" + MitogenSystem.upstream(MitogenSystem.CURRENT_DEBIAN_VERSION)
                    + ", Debian sid), mitogen033 (Debian 12's", "                          0.3.3), engine; default: stock, mitogen, engine",
            "  --out DIR               directory to write benchmarks.md and benchmarks/ into (instead of the above)",
            "  --cache DIR             where Debian sid's Mitogen is fetched and unpacked once (default: REPO/work/bench)",
            "  --repo DIR              repository root (default: current directory)",
            "  --timeout SECONDS       bound of each ansible-playbook run (default: 900, quick: 180)",
            "  --note TEXT             a note printed at the top of the report (e.g. 'partial run')",
            "  --no-host-key-checking  do not check host keys (for every system alike)",
            "  --engine-cmd T          cold engine command (default: {repo}/bin/ansible-mitogen playbook,",
            "                          run with ANSIBLE_MITOGEN_EMBEDDED=1)",
            "  --engine-warm-cmd T     warm engine command (default: the cold one, run with",
            "                          ANSIBLE_MITOGEN_SOCKET={state}/sock/engine.sock)",
            "  --engine-daemon-cmd T   daemon for warm runs (default: {repo}/bin/ansible-mitogen daemon",
            "                          --socket-dir {state}/sock --idle-timeout 10)",
            "  --engine-ready-cmd T    polled until it exits 0 after the daemon starts",
            "                          (default: test -S {state}/sock/engine.sock)",
            "  --engine-env K=V        more environment for engine runs and its daemon (repeatable)",
            "  --keep-work             keep the work directory (logs of every run)",
            "  --list                  list the workloads and exit",
            "  --render RESULTS.json   only rewrite the report and charts from a results file (where: as above)",
            "templates are split on spaces; {repo} is the repository root, {state} a private directory per measurement");

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        System.exit(run(argv, System.out));
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Options o;
        try {
            o = Options.parse(argv);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(USAGE);
            return 2;
        }
        if (o.help) {
            out.println(USAGE);
            return 0;
        }
        if (o.render != null) {
            BenchResults b = new ObjectMapper().readValue(o.render.toFile(), BenchResults.class);
            if (o.publish && b.meta().quick()) {
                out.println("--publish: " + o.render + " holds a --quick run, which is not published");
                return 2;
            }
            Path docs = o.reportDir(now());
            write(b, docs);
            out.println("report: " + docs.resolve("benchmarks.md"));
            return 0;
        }
        Map<String, Workload> catalogue = Workload.catalogue(o.quick);
        if (o.list) {
            catalogue.values().forEach(w -> out.printf("%-14s %s%n", w.name(), w.description()));
            return 0;
        }
        List<Workload> workloads;
        List<BenchSystem> systems;
        try {
            workloads = Workload.select(catalogue, o.workloads);
            systems = systems(o);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return 2;
        }
        Path docs = o.reportDir(now());
        out.println("report directory: " + docs + (o.publish ? " (published)" : ""));
        Path workDir = Files.createTempDirectory("amb-");
        int maxHosts = workloads.stream().mapToInt(Workload::hosts).max().orElse(1);
        Map<String, String> sysLabels = new LinkedHashMap<>();
        Map<String, String> machine = new LinkedHashMap<>(MachineInfo.machine());
        systems.forEach(s -> sysLabels.put(s.id(), s.label()));
        Map<String, String> versions = new LinkedHashMap<>(MachineInfo.versions(o.repo));
        for (BenchSystem s : systems) {
            if (s instanceof MitogenSystem ms) {
                versions.put("Mitogen (" + Report.name(s.id()) + " column)", ms.label()
                        + ms.unavailable().map(why -> "; not measured: " + why).orElse(""));
            }
        }
        BenchResults.Meta meta = new BenchResults.Meta(
                now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                o.quick, o.note, shownCommand(argv), o.hostKeyChecking, machine,
                versions, sysLabels, o.repeat, o.once);
        List<BenchResults.WorkloadInfo> infos = new ArrayList<>();
        List<RunResult> results = new ArrayList<>();
        out.println("work directory: " + workDir + "; " + maxHosts + " target host(s)");
        Targets targets = new Targets(maxHosts, workDir, o.hostKeyChecking);
        BenchRunner runner = new BenchRunner(targets, workDir, o.timeout, out, o.repeat, o.once);
        Thread cleanup = new Thread(() -> {
            runner.stop();
            MarkedProcesses.killAll(runner.sessionMark());
            targets.close();
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            runner.prepare(systems);
            for (Workload w : workloads) {
                out.println(w.name() + ": " + w.description());
                infos.add(BenchResults.WorkloadInfo.of(w, runner.runsFor(w)));
                List<RunResult> done = runner.run(w, systems);
                if (runner.stopped()) {
                    out.println("interrupted: the figures of " + w.name() + " are not written");
                    return 130;
                }
                results.addAll(done);
                machine.put("load average at end", MachineInfo.loadAverage());
                // written after every workload: an interrupted run still leaves its figures
                write(new BenchResults(meta, infos, results), docs);
            }
        } finally {
            MarkedProcesses.killAll(runner.sessionMark());
            targets.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // interrupted (Ctrl-C, TERM): the hook runs too, harmlessly
            }
            if (!o.keepWork) {
                Procs.deleteTree(workDir);
            }
        }
        out.println("report: " + docs.resolve("benchmarks.md"));
        return 0;
    }

    private static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneOffset.UTC);
    }

    /** The command line as a user types it: bench.sh adds --repo itself. */
    static String shownCommand(String[] argv) {
        List<String> shown = new ArrayList<>(List.of("benchmark/bench.sh"));
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--repo")) {
                i++;
            } else {
                shown.add(argv[i].contains(" ") ? "'" + argv[i] + "'" : argv[i]);
            }
        }
        return String.join(" ", shown);
    }

    static void write(BenchResults b, Path docs) throws IOException {
        Path dir = docs.resolve("benchmarks");
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), b);
        List<String> charts = Charts.write(b, dir);
        Files.writeString(docs.resolve("benchmarks.md"), Report.render(b, charts));
    }

    /** Systems in report order; made only when selected, so no run fetches a Mitogen it does not measure. */
    private static List<BenchSystem> systems(Options o) {
        Map<String, java.util.function.Supplier<BenchSystem>> all = new LinkedHashMap<>();
        all.put("stock", StockSystem::new);
        all.put(MitogenSystem.CURRENT_ID, () -> MitogenSystem.current(o.repo, o.cacheDir()));
        all.put(MitogenSystem.DEBIAN12_ID, MitogenSystem::debian12);
        all.put("engine", () -> new EngineSystem(o.repo, o.engineCmd, o.engineWarmCmd, o.engineDaemonCmd,
                o.engineReadyCmd, o.engineEnv));
        List<String> names = o.systems != null ? o.systems : DEFAULT_SYSTEMS;
        for (String s : names) {
            if (!all.containsKey(s)) {
                throw new IllegalArgumentException("unknown system '" + s + "'; known: " + all.keySet());
            }
        }
        List<BenchSystem> out = new ArrayList<>();
        all.forEach((id, make) -> {
            if (names.contains(id)) {
                out.add(make.get());
            }
        });
        return out;
    }

    /** Debian 12's Mitogen 0.3.3 is opt-in: a fourth column would cost every workload a quarter more time. */
    static final List<String> DEFAULT_SYSTEMS = List.of("stock", MitogenSystem.CURRENT_ID, "engine");

    /** Parsed command line. */
    static final class Options {
        boolean quick;
        boolean publish;
        Path cache;
        boolean list;
        boolean help;
        boolean keepWork;
        int repeat = 1;
        List<String> once = List.of();
        boolean hostKeyChecking = true;
        List<String> workloads;
        List<String> systems;
        Path out;
        Path render;
        Path repo = Path.of("").toAbsolutePath();
        Duration timeout;
        String note;
        String engineCmd;
        String engineWarmCmd;
        String engineDaemonCmd;
        String engineReadyCmd;
        Map<String, String> engineEnv = new LinkedHashMap<>();

        static Options parse(String[] argv) {
            Options o = new Options();
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                switch (a) {
                    case "--quick" -> o.quick = true;
                    case "--publish" -> o.publish = true;
                    case "--cache" -> o.cache = Path.of(value(argv, ++i, a)).toAbsolutePath();
                    case "--repeat" -> o.repeat = positive(value(argv, ++i, a), a);
                    case "--once" -> o.once = csv(value(argv, ++i, a));
                    case "--list" -> o.list = true;
                    case "-h", "--help" -> o.help = true;
                    case "--keep-work" -> o.keepWork = true;
                    case "--no-host-key-checking" -> o.hostKeyChecking = false;
                    case "--workloads" -> o.workloads = csv(value(argv, ++i, a));
                    case "--systems" -> o.systems = csv(value(argv, ++i, a));
                    case "--render" -> o.render = Path.of(value(argv, ++i, a)).toAbsolutePath();
                    case "--out" -> o.out = Path.of(value(argv, ++i, a)).toAbsolutePath();
                    case "--repo" -> o.repo = Path.of(value(argv, ++i, a)).toAbsolutePath();
                    case "--timeout" -> o.timeout = Duration.ofSeconds(Long.parseLong(value(argv, ++i, a)));
                    case "--note" -> o.note = value(argv, ++i, a);
                    case "--engine-cmd" -> o.engineCmd = value(argv, ++i, a);
                    case "--engine-warm-cmd" -> o.engineWarmCmd = value(argv, ++i, a);
                    case "--engine-daemon-cmd" -> o.engineDaemonCmd = value(argv, ++i, a);
                    case "--engine-ready-cmd" -> o.engineReadyCmd = value(argv, ++i, a);
                    case "--engine-env" -> {
                        String kv = value(argv, ++i, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--engine-env wants KEY=VALUE, got " + kv);
                        }
                        o.engineEnv.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.timeout == null) {
                o.timeout = Duration.ofSeconds(o.quick ? 180 : 900);
            }
            if (o.publish) {
                // the committed report is the full suite's: a smoke run or a subset must not replace it
                List<String> why = new ArrayList<>();
                if (o.quick) {
                    why.add("--quick");
                }
                if (o.workloads != null) {
                    why.add("--workloads");
                }
                if (o.systems != null) {
                    why.add("--systems");
                }
                if (o.out != null) {
                    why.add("--out");
                }
                if (!why.isEmpty()) {
                    throw new IllegalArgumentException("--publish writes REPO/docs from a full run of every workload "
                            + "and system; it cannot be combined with " + String.join(", ", why));
                }
            }
            return o;
        }

        /**
         * Where the report goes: --out, or REPO/docs for --publish, or else a fresh REPO/bench-results/DATE-TIME
         * (ignored by git), so no smoke or partial run overwrites the committed report.
         */
        Path reportDir(ZonedDateTime when) {
            if (out != null) {
                return out;
            }
            if (publish) {
                return repo.resolve("docs");
            }
            Path base = repo.resolve("bench-results");
            String stamp = when.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path dir = base.resolve(stamp);
            for (int n = 2; Files.exists(dir); n++) {
                dir = base.resolve(stamp + "-" + n);
            }
            return dir;
        }

        Path cacheDir() {
            return cache != null ? cache : repo.resolve("work").resolve("bench");
        }

        private static String value(String[] argv, int i, String opt) {
            if (i >= argv.length) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            return argv[i];
        }

        private static int positive(String v, String opt) {
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the message below names the option
            }
            throw new IllegalArgumentException(opt + " needs a whole number of at least 1, not '" + v + "'");
        }

        private static List<String> csv(String s) {
            return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        }
    }
}
