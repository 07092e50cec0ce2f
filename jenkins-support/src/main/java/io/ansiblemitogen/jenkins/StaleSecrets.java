package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes the secrets directories of runs that can no longer end themselves. {@link AgentRun#finish} deletes a
 * run's secrets, but a run whose controller restarted mid-playbook never gets there (a synchronous step fails on
 * resume), nor does one whose agent JVM died. So each run first sweeps the directory it is about to write in.
 *
 * <p>Only this user's real directories with our prefix are touched (never a symbolic link), and only when their
 * {@link SecretsOwner} is gone. A directory without a readable owner file (an older plugin version, or a crash
 * between creating the directory and writing the file) counts as stale only after {@link #UNOWNED_GRACE}.
 */
public final class StaleSecrets {
    static final String OWNER_FILE = "owner";
    static final Duration UNOWNED_GRACE = Duration.ofMinutes(10);

    private StaleSecrets() {
    }

    /** Deletes every stale secrets directory directly under {@code base}; returns the ones it deleted. */
    public static List<String> sweep(Path base) {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return removed;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, SecretFiles.PREFIX + "*")) {
            int uid = SocketDir.currentUid();
            for (Path d : dirs) {
                try {
                    if (isStale(d, uid)) {
                        SecretFiles.reopen(d).close();
                        removed.add(d.toString());
                    }
                } catch (IOException | RuntimeException e) {
                    // Gone meanwhile (its run finished), or not ours to delete: neither stops this run.
                }
            }
        } catch (IOException e) {
            // An unreadable temp directory: this run's own SecretFiles.create reports the real problem.
        }
        return removed;
    }

    static boolean isStale(Path d, int uid) throws IOException {
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                || (Integer) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
            return false;
        }
        Optional<SecretsOwner> owner = readOwner(d);
        if (owner.isPresent()) {
            return !owner.get().mayBeAlive();
        }
        FileTime mtime = Files.getLastModifiedTime(d, LinkOption.NOFOLLOW_LINKS);
        return mtime.toInstant().isBefore(Instant.now().minus(UNOWNED_GRACE));
    }

    private static Optional<SecretsOwner> readOwner(Path d) {
        Path f = d.resolve(OWNER_FILE);
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > 200) {
                return Optional.empty();
            }
            return SecretsOwner.decode(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
