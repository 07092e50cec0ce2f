package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Records every entry created directly in some directories while it runs (Linux inotify, through Java's
 * WatchService), even entries deleted again a moment later: the way to show that running a Python module wrote
 * nothing on the target (stock Ansible unpacks AnsiballZ into {@code /tmp/ansible_MODULE_payload_RANDOM} and makes
 * {@code ~/.ansible/tmp/ansible-tmp-*}; targets here are this machine).
 *
 * <p>Other processes on the machine create entries too: filter with {@link #created(Pattern)}, e.g.
 * {@link #ANSIBLE_TEMP_NAMES}.
 */
public final class TempDirWatch implements AutoCloseable {
    /** Names Ansible gives what it writes in temp dirs: ansible-tmp-*, ansible_*_payload_*, ansible-local-*. */
    public static final Pattern ANSIBLE_TEMP_NAMES =
            Pattern.compile("ansible-tmp-.*|ansible_.*_payload_.*|ansible-local-.*|AnsiballZ_.*");

    private final WatchService service;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private final List<Path> created = new ArrayList<>();
    private final Thread thread;
    private volatile boolean overflowed;

    private TempDirWatch(List<Path> dirs) throws IOException {
        service = FileSystems.getDefault().newWatchService();
        for (Path d : dirs) {
            Files.createDirectories(d);
            keys.put(d.register(service, StandardWatchEventKinds.ENTRY_CREATE), d);
        }
        thread = new Thread(this::loop, "temp-dir-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches {@code /tmp} and {@code ~/.ansible/tmp} of the user running the tests (created if missing). */
    public static TempDirWatch startDefault() {
        return start(Path.of("/tmp"), Path.of(System.getProperty("user.home"), ".ansible", "tmp"));
    }

    public static TempDirWatch start(Path... dirs) {
        try {
            return new TempDirWatch(List.of(dirs));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + List.of(dirs), e);
        }
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = keys.get(key);
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflowed = true;
                    } else if (dir != null) {
                        synchronized (created) {
                            created.add(dir.resolve((Path) ev.context()));
                        }
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
            // closed: stop
        }
    }

    /** Everything created so far, as full paths. */
    public List<Path> created() {
        synchronized (created) {
            return List.copyOf(created);
        }
    }

    /** What was created so far whose file name matches. */
    public List<Path> created(Pattern names) {
        return created().stream().filter(p -> names.matcher(p.getFileName().toString()).matches())
                .collect(Collectors.toList());
    }

    /** What was created since the previous call of this method (or since the start), then forgotten. */
    public List<Path> takeCreated() {
        synchronized (created) {
            List<Path> out = List.copyOf(created);
            created.clear();
            return out;
        }
    }

    /** True if the kernel dropped events (too many at once): then {@link #created()} may be incomplete. */
    public boolean overflowed() {
        return overflowed;
    }

    /**
     * Waits until events already queued have been read: inotify delivers them asynchronously, so call this
     * after the run and before asking what was created.
     */
    public TempDirWatch settle() {
        try {
            TimeUnit.MILLISECONDS.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        thread.interrupt();
    }
}
