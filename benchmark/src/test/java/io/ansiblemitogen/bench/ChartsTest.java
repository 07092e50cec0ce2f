package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

public class ChartsTest {
    private static Charts.Metric metric(String file) {
        return Charts.METRICS.stream().filter(m -> m.file().equals(file)).findFirst().orElseThrow();
    }

    private static List<Double> ys(CategoryChart c, String series) {
        CategorySeries s = c.getSeriesMap().get(series);
        assertTrue(c.getSeriesMap().keySet() + " has " + series, s != null);
        return s.getYData().stream().map(n -> n == null ? null : n.doubleValue()).toList();
    }

    @Test
    public void connectionsAreOnALinearAxisFromZeroWhereZeroIsABarOfItsOwn() {
        CategoryChart c = Charts.chart(ReportTest.sample(), metric("connections.png"));
        assertFalse(c.getStyler().isYAxisLogarithmic());
        assertEquals(0.0, c.getStyler().getYAxisMin(), 0);
        // stage30-warm: the engine opened none, and that is plotted as 0, not left out as on a log axis
        List<String> xs = c.getSeriesMap().get("engine").getXData().stream().map(Object::toString).toList();
        assertTrue(xs.toString(), xs.contains("stage30-warm"));
        assertEquals(0.0, ys(c, "engine").get(xs.indexOf("stage30-warm")), 0);
        assertEquals(1.0, ys(c, "engine").get(xs.indexOf("cmd100")), 0);
    }

    @Test
    public void secondsAndBytesStayLogarithmicAndLegendsNeverSitOnTheBars() {
        BenchResults b = ReportTest.sample();
        for (Charts.Metric m : Charts.METRICS) {
            CategoryChart c = Charts.chart(b, m);
            assertEquals(m.file(), !m.file().equals("connections.png"), c.getStyler().isYAxisLogarithmic());
            assertEquals(m.file(), Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition());
        }
        assertEquals(Styler.LegendPosition.OutsideS, Charts.speedup(b).getStyler().getLegendPosition());
    }

    @Test
    public void seriesAreNamedWithMitogensVersion() {
        CategoryChart c = Charts.chart(ReportTest.sample(), metric("wall.png"));
        assertTrue(c.getSeriesMap().keySet().toString(), c.getSeriesMap().containsKey("Mitogen 0.3.54"));
        assertTrue(Charts.speedup(ReportTest.sample()).getSeriesMap().containsKey("engine vs Mitogen 0.3.54"));
    }

    @Test
    public void speedupIsThePeersWallOverTheEnginesOnALinearAxis() {
        BenchResults b = ReportTest.sample();
        CategoryChart c = Charts.speedup(b);
        assertFalse(c.getStyler().isYAxisLogarithmic());
        assertEquals(0.0, c.getStyler().getYAxisMin(), 0);
        assertEquals(21.3 / 11.0, Charts.speedup(b, "cmd100", "mitogen").orElseThrow(), 1e-9);
        assertEquals("slower shows below 1", 50.0 / 60.0, Charts.speedup(b, "hosts100", "mitogen").orElseThrow(), 1e-9);
        assertTrue("a failed engine run has no ratio", Charts.speedup(b, "hosts300", "mitogen").isEmpty());
        List<String> xs = c.getSeriesMap().get("engine vs stock Ansible").getXData().stream().map(Object::toString)
                .toList();
        assertFalse("no workload without any ratio", xs.contains("floor"));
        assertNull("no stock figure for hosts100", ys(c, "engine vs stock Ansible").get(xs.indexOf("hosts100")));
    }

    @Test
    public void aRunWithOnlyZeroConnectionsStillGetsAnAxis() {
        BenchResults s = ReportTest.sample();
        BenchResults floorOnly = new BenchResults(s.meta(), s.workloads().subList(0, 1),
                List.of(ReportTest.ok("floor", "engine", 1, 1, 0, 0, 0, 1)));
        CategoryChart c = Charts.chart(floorOnly, metric("connections.png"));
        assertEquals(1.0, c.getStyler().getYAxisMax(), 0);
        assertNull("a log chart has nothing to plot", Charts.chart(floorOnly, metric("bytes.png")));
    }
}
