package io.ansiblemitogen.it.core219;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every name created in one directory (inotify, through WatchService), however briefly it existed:
 * stock AnsiballZ removes its {@code ansible_<module>_payload_*} directory when the module ends, so looking
 * afterwards would prove nothing.
 */
final class TempDirWatch implements AutoCloseable {
    private final Path dir;
    private final WatchService service;

    TempDirWatch(Path dir) {
        this.dir = dir;
        try {
            service = FileSystems.getDefault().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + dir, e);
        }
    }

    /** Names created since the last call. Fails if events were lost (the queue overflowed). */
    List<String> drain() {
        List<String> names = new ArrayList<>();
        try {
            Thread.sleep(100); // inotify events reach the queue through WatchService's own thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        WatchKey key;
        while ((key = service.poll()) != null) {
            for (WatchEvent<?> e : key.pollEvents()) {
                if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                    throw new IllegalStateException("lost events watching " + dir);
                }
                names.add(String.valueOf(e.context()));
            }
            key.reset();
        }
        return names;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException ignored) {
            // nothing left to release that matters
        }
    }
}
