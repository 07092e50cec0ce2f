package io.ansiblemitogen.it.engine;

import io.ansiblemitogen.testkit.TempDirWatch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.Assert.assertFalse;

/**
 * Watches targets' TMPDIRs for the directories AnsiballZ unpacks a module into when it runs it as a script
 * ({@code ansible_<module>_payload_*}): stock makes them for every Python module, even pipelined; through the
 * engine no module runs from a file, so an engine run must make none. Stock runs that make none would mean the
 * watch sees nothing, so the suites also check that stock made some.
 */
public final class PayloadWatch implements AutoCloseable {
    private static final String PAYLOAD = "ansible_[A-Za-z0-9_.]+_payload_.*";

    private final List<TempDirWatch> watches = new ArrayList<>();

    /** Watches each directory (as this machine sees it). */
    public PayloadWatch(List<Path> dirs) {
        for (Path d : dirs) {
            watches.add(TempDirWatch.start(d));
        }
    }

    /** Payload directories created since the previous call; fails if inotify lost events. */
    public List<String> takePayloads() {
        List<String> all = new ArrayList<>();
        if (!watches.isEmpty()) {
            watches.get(0).settle(); // one wait covers every watch: it only lets queued events arrive
        }
        for (TempDirWatch w : watches) {
            assertFalse("inotify lost events: the temp-dir check would prove nothing", w.overflowed());
            w.takeCreated().forEach(p -> all.add(p.getFileName().toString()));
        }
        return all.stream().filter(n -> n.matches(PAYLOAD)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        watches.forEach(TempDirWatch::close);
    }
}
