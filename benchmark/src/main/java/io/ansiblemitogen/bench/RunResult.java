package io.ansiblemitogen.bench;

/**
 * One measured run of one workload under one system, as it goes to the JSON results and the report.
 *
 * @param status ok, failed (non-zero exit or failed hosts), timeout, skipped (system unavailable), error
 * @param cpuSeconds controller CPU: user+sys of the command's process tree plus detached processes it left
 * @param bytesToTarget bytes the controller sent through the proxy (all hosts)
 * @param connections TCP connections the proxy accepted, i.e. SSH connections opened
 * @param copySeconds how long the copy task of a file-copy workload took (Ansible's profile_tasks), or the whole
 *     scp command for the scp reference; 0 when not known
 * @param roundTrips round trips the controller made over the proxy, all hosts ({@link DelayProxy.Route#roundTrips})
 */
public record RunResult(String workload, String system, String status, String note, double wallSeconds,
        double cpuSeconds, long bytesToTarget, long bytesFromTarget, long connections, int hostsOk,
        int hostsFailed, int hostsUnreachable, int exitCode, long fileBytes, double copySeconds, long roundTrips) {

    public static RunResult skipped(String workload, String system, String why) {
        return new RunResult(workload, system, "skipped", why, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public boolean measured() {
        return "ok".equals(status) || "failed".equals(status);
    }

    public long bytesTotal() {
        return bytesToTarget + bytesFromTarget;
    }

    /** MB/s (10^6 bytes) of the file copied, over the copy's own time if known, else the whole command's. */
    public double throughputMBps() {
        double seconds = copySeconds > 0 ? copySeconds : wallSeconds;
        return fileBytes > 0 && seconds > 0 ? fileBytes / 1e6 / seconds : 0;
    }
}
