package io.ansiblemitogen.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything one benchmark run produced: what the JSON file holds and the report is made from. */
public record BenchResults(Meta meta, List<WorkloadInfo> workloads, List<RunResult> results) {

    /** When, where and how the run was made. */
    /**
     * @param repeat runs per figure (the median run is reported); 0 in results written before it existed: 1
     * @param once workloads measured once whatever {@code repeat} says (long ones); null: none
     */
    public record Meta(String date, boolean quick, String note, String command, boolean hostKeyChecking,
            Map<String, String> machine, Map<String, String> versions, Map<String, String> systems, int repeat,
            java.util.List<String> once) {
        @com.fasterxml.jackson.annotation.JsonIgnore
        public int runsPerFigure() {
            return Math.max(1, repeat);
        }

        /** Runs behind each figure of {@code workload}. */
        public int runsPerFigure(String workload) {
            return once != null && once.contains(workload) ? 1 : runsPerFigure();
        }
    }

    /**
     * A workload as the report describes it.
     *
     * @param delayMillis the proxy's one-way delay (the round trip is twice it)
     * @param runs runs of each system behind its figures; 0 in results written before it existed: see
     *     {@link Meta#runsPerFigure(String)}
     */
    public record WorkloadInfo(String name, String description, int hosts, int forks, int tasksPerHost,
            long delayMillis, long fileBytes, boolean warm, int runs) {
        static WorkloadInfo of(Workload w) {
            return of(w, 1);
        }

        static WorkloadInfo of(Workload w, int runs) {
            return new WorkloadInfo(w.name(), w.description(), w.hosts(), w.forks(), w.tasksPerHost(),
                    w.delayMillis(), w.fileBytes(), w.warm(), runs);
        }

        public long rttMillis() {
            return 2 * delayMillis;
        }
    }

    /** Runs behind each figure of {@code w}: its own count if recorded, else the meta's. */
    public int runsPerFigure(WorkloadInfo w) {
        return w.runs() > 0 ? w.runs() : meta.runsPerFigure(w.name());
    }

    public Optional<RunResult> find(String workload, String system) {
        return results.stream().filter(r -> r.workload().equals(workload) && r.system().equals(system)).findFirst();
    }

    /** A result that was actually measured (ok or failed), else empty. */
    public Optional<RunResult> measured(String workload, String system) {
        return find(workload, system).filter(RunResult::measured);
    }
}
