package io.ansiblemitogen.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark workload: a generated playbook, how many hosts it runs on, with how many forks, over a link
 * with which one-way delay, and whether it is measured warm (after a priming run whose state is kept).
 *
 * @param fileBytes size of the file a copy workload transfers (0 if none): gives throughput and the scp reference
 */
record Workload(String name, String description, Kind kind, int hosts, int forks, int tasks, int copies,
        int templates, long fileBytes, long delayMillis, boolean warm) {

    /** LOOP: one command task whose {@code loop:} has {@code tasks} items. */
    enum Kind { DEBUG, COMMAND, COPY_TEMPLATE, BIG_COPY, LOOP }

    /**
     * Runs of a loop workload whatever --repeat says: a loop's time varied 3x between identical runs on this
     * machine, and the spread is a figure of its own.
     */
    static final int LOOP_RUNS = 5;

    /** The catalogue, in run order: full sizes as the issue states them, or small ones for a smoke run. */
    static Map<String, Workload> catalogue(boolean quick) {
        Map<String, Workload> all = new LinkedHashMap<>();
        int n100 = quick ? 10 : 100;
        add(all, new Workload("floor", n100 + " x debug, 1 host (Ansible's own per-task floor, no connection)",
                Kind.DEBUG, 1, 5, n100, 0, 0, 0, 0, false));
        add(all, new Workload("cmd100", n100 + " x command: hostname, 1 host",
                Kind.COMMAND, 1, 5, n100, 0, 0, 0, 0, false));
        add(all, new Workload("cmd100-warm", "the same " + n100 + " tasks again with the previous run's state kept "
                + "(the engine daemon, ssh ControlPersist masters; Mitogen keeps nothing between runs)",
                Kind.COMMAND, 1, 5, n100, 0, 0, 0, 0, true));
        add(all, new Workload("cmd100-rtt20", n100 + " x command: hostname, 1 host, 20 ms round trip",
                Kind.COMMAND, 1, 5, n100, 0, 0, 0, 10, false));
        // the delays are one-way: the proxy holds each chunk that long in each direction, so RTT is twice it
        add(all, new Workload("cmd100-rtt100", n100 + " x command: hostname, 1 host, 100 ms round trip",
                Kind.COMMAND, 1, 5, n100, 0, 0, 0, 50, false));
        add(all, new Workload("loop100", "1 command task with a loop of " + n100 + " items (hostname), 1 host",
                Kind.LOOP, 1, 5, n100, 0, 0, 0, 0, false));
        add(all, new Workload("loop100-rtt100", "1 command task with a loop of " + n100 + " items (hostname), "
                + "1 host, 100 ms round trip", Kind.LOOP, 1, 5, n100, 0, 0, 0, 50, false));
        int items = quick ? 5 : 20;
        add(all, new Workload("copy-template", items + " x copy + " + items + " x template (loop items), 1 host",
                Kind.COPY_TEMPLATE, 1, 5, 0, items, items, 0, 0, false));
        add(all, new Workload("copy-template-rtt100", items + " x copy + " + items + " x template (loop items), "
                + "1 host, 100 ms round trip", Kind.COPY_TEMPLATE, 1, 5, 0, items, items, 0, 50, false));
        int h20 = quick ? 5 : 20;
        int t20 = quick ? 5 : 20;
        add(all, new Workload("hosts20-rtt30", t20 + " x command on " + h20 + " hosts, forks " + h20
                + ", 30 ms round trip", Kind.COMMAND, h20, h20, t20, 0, 0, 0, 15, false));
        int h100 = quick ? 10 : 100;
        int t5 = quick ? 2 : 5;
        int f20 = quick ? 5 : 20;
        add(all, new Workload("hosts100", t5 + " x command on " + h100 + " hosts, forks " + f20,
                Kind.COMMAND, h100, f20, t5, 0, 0, 0, 0, false));
        int h300 = quick ? 20 : 300;
        add(all, new Workload("hosts300", t5 + " x command on " + h300 + " hosts, forks " + f20,
                Kind.COMMAND, h300, f20, t5, 0, 0, 0, 0, false));
        int h30 = quick ? 5 : 30;
        add(all, new Workload("stage30", "1-task play on " + h30 + " hosts, forks " + h30
                + ", cold (a pipeline stage's connection cost)", Kind.COMMAND, h30, h30, 1, 0, 0, 0, 0, false));
        add(all, new Workload("stage30-warm", "the same play again with the previous run's state kept (ssh "
                + "ControlPersist masters, the engine daemon)", Kind.COMMAND, h30, h30, 1, 0, 0, 0, 0, true));
        long size = (quick ? 20L : 200L) << 20;
        add(all, new Workload("copy200m", (size >> 20) + " MiB file copy (random, incompressible), 1 host, "
                + "with scp of the same file as the reference", Kind.BIG_COPY, 1, 5, 1, 0, 0, size, 0, false));
        return all;
    }

    private static void add(Map<String, Workload> m, Workload w) {
        m.put(w.name(), w);
    }

    /** Selected workloads in catalogue order; unknown names are an error naming the known ones. */
    static List<Workload> select(Map<String, Workload> catalogue, List<String> names) {
        if (names == null || names.isEmpty()) {
            return new ArrayList<>(catalogue.values());
        }
        List<Workload> out = new ArrayList<>();
        for (String n : names) {
            if (!catalogue.containsKey(n)) {
                throw new IllegalArgumentException("unknown workload '" + n + "'; known: " + catalogue.keySet());
            }
        }
        for (Workload w : catalogue.values()) {
            if (names.contains(w.name())) {
                out.add(w);
            }
        }
        return out;
    }

    /** Round-trip time of the link, twice the proxy's one-way delay. */
    long rttMillis() {
        return 2 * delayMillis;
    }

    /** Runs behind each figure: {@code repeat}, or {@link #LOOP_RUNS} for a loop if that is more. */
    int runs(int repeat) {
        return kind == Kind.LOOP ? Math.max(repeat, LOOP_RUNS) : repeat;
    }

    /** Tasks each host runs (loop items count one each, as Ansible's recap does not). */
    int tasksPerHost() {
        return switch (kind) {
            case DEBUG, COMMAND, LOOP -> tasks;
            case COPY_TEMPLATE -> copies + templates;
            case BIG_COPY -> 1;
        };
    }
}
