package io.ansiblemitogen.jenkins;

import java.io.Serializable;

/** One pooled target as {@code pool_status} reports it (docs/protocol.md, section 1). */
public record TargetStats(String identity, String host, int port, String user, int contexts, double ageSeconds,
        long requests, long bytesIn, long bytesOut) implements Serializable {
}
