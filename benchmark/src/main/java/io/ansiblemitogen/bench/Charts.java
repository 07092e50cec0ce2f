package io.ansiblemitogen.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * PNG bar charts (XChart, headless): the engine's speed-up over each peer per workload, then one metric over all
 * workloads with one bar per system. Axes are logarithmic only where values span decades (seconds, bytes); small
 * counts (connections) and ratios get linear axes from 0, where 1 and 0 cannot look alike. Legends sit below the
 * plot, never over a bar.
 */
final class Charts {
    /** One chart: {@code log} for a logarithmic y axis, which takes no zero (such values are left out). */
    record Metric(String file, String title, String axis, boolean log, ToDoubleFunction<RunResult> value) {
    }

    static final String RATIO_FILE = "speedup.png";
    static final List<Metric> METRICS = List.of(
            new Metric("wall.png", "Wall time per workload (log scale)", "seconds", true, RunResult::wallSeconds),
            new Metric("cpu.png", "Controller CPU per workload (log scale)", "CPU seconds", true,
                    RunResult::cpuSeconds),
            new Metric("bytes.png", "Bytes on the wire, both directions (log scale)", "MB", true,
                    r -> r.bytesTotal() / 1e6),
            new Metric("connections.png", "SSH connections opened (linear scale)", "connections", false,
                    r -> r.connections()));

    private Charts() {
    }

    /** Writes the charts that have data into {@code dir}; returns their file names. */
    static List<String> write(BenchResults b, Path dir) {
        System.setProperty("java.awt.headless", "true");
        List<String> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            CategoryChart ratio = speedup(b);
            if (ratio != null) {
                save(ratio, dir, RATIO_FILE);
                written.add(RATIO_FILE);
            }
            for (Metric m : METRICS) {
                CategoryChart c = chart(b, m);
                if (c != null) {
                    save(c, dir, m.file());
                    written.add(m.file());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write charts to " + dir, e);
        }
        return written;
    }

    private static void save(CategoryChart c, Path dir, String file) throws IOException {
        BitmapEncoder.saveBitmap(c, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart base(String title, String axis) {
        CategoryChart c = new CategoryChartBuilder().width(1100).height(560).title(title)
                .xAxisTitle("workload").yAxisTitle(axis).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setXAxisLabelRotation(20);
        return c;
    }

    /**
     * How many times faster the engine is than each peer, per workload: the peer's wall time over the engine's.
     * Linear from 0 with a value on each bar, so 0.8x (slower) and 8x read as what they are.
     */
    static CategoryChart speedup(BenchResults b) {
        List<String> peers = Report.peers(b);
        List<String> workloads = new ArrayList<>();
        for (BenchResults.WorkloadInfo w : b.workloads()) {
            if (peers.stream().anyMatch(p -> speedup(b, w.name(), p).isPresent())) {
                workloads.add(w.name());
            }
        }
        if (workloads.isEmpty()) {
            return null;
        }
        CategoryChart c = base("Engine speed-up: a peer's wall time / the engine's (x faster; 1 = the same)",
                "engine x times faster (peer / engine)");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        c.getStyler().setLabelsPosition(1.0);
        // one decimal on the bars and the axis: "12.2", not 12.1788...
        c.getStyler().setYAxisDecimalPattern("0.0");
        for (String p : peers) {
            List<Double> ys = new ArrayList<>();
            for (String w : workloads) {
                ys.add(speedup(b, w, p).orElse(null));
            }
            if (ys.stream().anyMatch(y -> y != null)) {
                c.addSeries("engine vs " + Report.name(b, p), workloads, ys);
            }
        }
        return c;
    }

    static Optional<Double> speedup(BenchResults b, String workload, String peer) {
        Optional<RunResult> e = b.find(workload, "engine").filter(r -> "ok".equals(r.status()));
        Optional<RunResult> p = b.find(workload, peer).filter(r -> "ok".equals(r.status()));
        if (e.isEmpty() || p.isEmpty() || e.get().wallSeconds() <= 0) {
            return Optional.empty();
        }
        return Optional.of(p.get().wallSeconds() / e.get().wallSeconds());
    }

    static CategoryChart chart(BenchResults b, Metric m) {
        List<String> systems = Report.systems(b);
        // a workload with no plottable value for any system is left out (on a log axis: no positive value)
        List<String> workloads = new ArrayList<>();
        for (BenchResults.WorkloadInfo w : b.workloads()) {
            if (systems.stream().anyMatch(s -> value(b, w.name(), s, m) != null)) {
                workloads.add(w.name());
            }
        }
        if (workloads.isEmpty()) {
            return null;
        }
        CategoryChart c = base(m.title(), m.axis());
        c.getStyler().setYAxisLogarithmic(m.log());
        double min = Double.MAX_VALUE;
        double max = 0;
        for (String s : systems) {
            List<Double> ys = new ArrayList<>();
            for (String w : workloads) {
                Double v = value(b, w, s, m);
                ys.add(v);
                if (v != null) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            if (ys.stream().anyMatch(y -> y != null)) {
                c.addSeries(Report.name(b, s), workloads, ys);
            }
        }
        if (m.log()) {
            // bars start at the axis minimum, which a log axis cannot put at zero: the decade below the smallest
            c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        } else {
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(Math.max(1.0, max * 1.1)); // all zeros still get an axis up to 1
            // whole numbers on a count axis: 0, 1, 2 rather than 0.25 steps
            c.getStyler().setYAxisDecimalPattern("#");
        }
        return c;
    }

    /** The value to plot, or null: not measured, or not positive on a log axis. */
    private static Double value(BenchResults b, String workload, String system, Metric m) {
        return b.measured(workload, system).map(r -> m.value().applyAsDouble(r))
                .filter(v -> !m.log() || v > 0).orElse(null);
    }
}
