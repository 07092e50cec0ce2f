package io.ansiblemitogen.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG bar charts of one metric over all workloads, one bar per system (XChart, headless). */
final class Charts {
    private record Metric(String file, String title, String axis, ToDoubleFunction<RunResult> value) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("wall.png", "Wall time per workload (log scale)", "seconds", RunResult::wallSeconds),
            new Metric("cpu.png", "Controller CPU per workload (log scale)", "CPU seconds", RunResult::cpuSeconds),
            new Metric("bytes.png", "Bytes on the wire, both directions (log scale)", "MB",
                    r -> r.bytesTotal() / 1e6),
            new Metric("connections.png", "SSH connections opened (log scale)", "connections",
                    r -> r.connections()));

    private Charts() {
    }

    /** Writes the charts that have data into {@code dir}; returns their file names. */
    static List<String> write(BenchResults b, Path dir) {
        System.setProperty("java.awt.headless", "true");
        List<String> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Metric m : METRICS) {
                CategoryChart c = chart(b, m);
                if (c != null) {
                    BitmapEncoder.saveBitmap(c, dir.resolve(m.file()).toString(), BitmapEncoder.BitmapFormat.PNG);
                    written.add(m.file());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write charts to " + dir, e);
        }
        return written;
    }

    private static CategoryChart chart(BenchResults b, Metric m) {
        // a log axis takes no zero: a workload with no positive value for any system is left out
        List<String> workloads = new ArrayList<>();
        for (BenchResults.WorkloadInfo w : b.workloads()) {
            for (String s : Report.SYSTEMS) {
                if (b.measured(w.name(), s).map(r -> m.value().applyAsDouble(r) > 0).orElse(false)) {
                    workloads.add(w.name());
                    break;
                }
            }
        }
        if (workloads.isEmpty()) {
            return null;
        }
        CategoryChart c = new CategoryChartBuilder().width(1000).height(520).title(m.title())
                .xAxisTitle("workload").yAxisTitle(m.axis()).build();
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setXAxisLabelRotation(20);
        double min = Double.MAX_VALUE;
        for (String s : Report.SYSTEMS) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (String w : workloads) {
                Double v = b.measured(w, s).map(r -> m.value().applyAsDouble(r)).filter(x -> x > 0).orElse(null);
                any |= v != null;
                ys.add(v);
                if (v != null) {
                    min = Math.min(min, v);
                }
            }
            if (any) {
                c.addSeries(Report.NAMES.get(s), workloads, ys);
            }
        }
        // bars start at the axis minimum, which a log axis cannot put at zero: the decade below the smallest bar
        c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        return c;
    }
}
