package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.Test;

public class OptionMergerTest {
    private static final StageOptions OUTER = StageOptions.builder().taskIsolation(TaskIsolation.FORK)
            .maxInterpreters(8).verbosity(1).build();
    private static final StageOptions INNER = StageOptions.builder().taskIsolation(TaskIsolation.REUSE)
            .strategy(Strategy.FREE).build();

    @Test
    public void innerBlockWinsAndOuterFillsTheRest() {
        StageOptions m = OptionMerger.merge(OUTER, INNER);
        assertEquals(TaskIsolation.REUSE, m.taskIsolation());
        assertEquals(Strategy.FREE, m.strategy());
        assertEquals(Integer.valueOf(8), m.maxInterpreters());
        assertEquals(Integer.valueOf(1), m.verbosity());
        assertNull(m.poolSize());
    }

    @Test
    public void missingSidesAreHandled() {
        assertSame(OUTER, OptionMerger.merge(OUTER, null));
        assertSame(INNER, OptionMerger.merge(null, INNER));
        assertEquals(StageOptions.EMPTY, OptionMerger.merge((StageOptions) null, null));
    }

    @Test
    public void stepValueWinsOverTheBlock() {
        PlaybookOptions step = PlaybookOptions.builder("site.yml").verbosity(3).poolSize(4).forks(9).build();
        PlaybookOptions eff = OptionMerger.effective(step, OptionMerger.merge(OUTER, INNER));
        assertEquals(Integer.valueOf(3), eff.verbosity());
        assertEquals(Integer.valueOf(4), eff.poolSize());
        assertEquals(TaskIsolation.REUSE, eff.taskIsolation());
        assertEquals(Integer.valueOf(8), eff.maxInterpreters());
        assertEquals(Strategy.FREE, eff.strategy());
        assertEquals(9, eff.forks());
        assertEquals("site.yml", eff.playbook());
    }

    @Test
    public void environmentRoundTripCarriesOnlySetValues() {
        Map<String, String> env = StageOptionsEnv.encode(OUTER);
        assertEquals(Map.of(StageOptionsEnv.TASK_ISOLATION, "fork", StageOptionsEnv.MAX_INTERPRETERS, "8",
                StageOptionsEnv.VERBOSITY, "1"), env);
        assertEquals(OUTER, StageOptionsEnv.decode(env));
        assertTrue(StageOptionsEnv.encode(StageOptions.EMPTY).isEmpty());
        assertEquals(StageOptions.EMPTY, StageOptionsEnv.decode(Map.of("PATH", "/bin")));
    }

    @Test
    public void nestedBlocksThroughTheEnvironmentBehaveLikeMerge() {
        // What EnvironmentExpander.merge does: the inner block's variables are applied over the outer's.
        Map<String, String> env = new HashMap<>(StageOptionsEnv.encode(OUTER));
        env.putAll(StageOptionsEnv.encode(INNER));
        assertEquals(OptionMerger.merge(OUTER, INNER), StageOptionsEnv.decode(env));
    }

    @Test
    public void malformedVariableNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StageOptionsEnv.decode(Map.of(StageOptionsEnv.TASK_ISOLATION, "sometimes")));
        assertTrue(e.getMessage(), e.getMessage().contains(StageOptionsEnv.TASK_ISOLATION));
        assertTrue(e.getMessage(), e.getMessage().contains("'isolated', 'reuse' or 'fork'"));
        assertThrows(IllegalArgumentException.class,
                () -> StageOptionsEnv.decode(Map.of(StageOptionsEnv.POOL_SIZE, "many")));
    }

    @Test
    public void strategyAcceptsMitogenNames() {
        assertEquals(Strategy.LINEAR, Strategy.parse("mitogen_linear"));
        assertEquals(Strategy.FREE, Strategy.parse(" Free "));
        assertThrows(IllegalArgumentException.class, () -> Strategy.parse("host_pinned"));
    }
}
