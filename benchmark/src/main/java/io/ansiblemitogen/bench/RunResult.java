package io.ansiblemitogen.bench;

/**
 * One measured run of one workload under one system, as it goes to the JSON results and the report.
 *
 * @param status ok, failed (non-zero exit or failed hosts), timeout, skipped (system unavailable), error
 * @param cpuSeconds controller CPU: user+sys of the command's process tree plus detached processes it left
 * @param bytesToTarget bytes the controller sent through the proxy (all hosts)
 * @param connections TCP connections the proxy accepted, i.e. SSH connections opened
 */
public record RunResult(String workload, String system, String status, String note, double wallSeconds,
        double cpuSeconds, long bytesToTarget, long bytesFromTarget, long connections, int hostsOk,
        int hostsFailed, int hostsUnreachable, int exitCode, long fileBytes) {

    public static RunResult skipped(String workload, String system, String why) {
        return new RunResult(workload, system, "skipped", why, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public boolean measured() {
        return "ok".equals(status) || "failed".equals(status);
    }

    public long bytesTotal() {
        return bytesToTarget + bytesFromTarget;
    }

    /** MB/s (10^6 bytes) of the file copied, over the whole command's wall time; 0 when no file. */
    public double throughputMBps() {
        return fileBytes > 0 && wallSeconds > 0 ? fileBytes / 1e6 / wallSeconds : 0;
    }
}
