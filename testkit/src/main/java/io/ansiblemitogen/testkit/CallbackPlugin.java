package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test kit's stdout callback ({@code testkit_json}), copied out of the jar once per JVM into a directory
 * that ansible-playbook can load it from (ANSIBLE_CALLBACK_PLUGINS).
 */
public final class CallbackPlugin {
    /** The callback's name, for ANSIBLE_STDOUT_CALLBACK. */
    public static final String NAME = "testkit_json";
    /** The environment variable naming the JSON lines file the callback appends to. */
    public static final String RESULTS_FILE_ENV = "TESTKIT_RESULTS_FILE";

    private static Path dir;

    private CallbackPlugin() {
    }

    /** The directory holding testkit_json.py. */
    public static synchronized Path dir() {
        if (dir == null) {
            try (InputStream in = CallbackPlugin.class.getResourceAsStream("callback/" + NAME + ".py")) {
                if (in == null) {
                    throw new IllegalStateException("callback/" + NAME + ".py missing from the test kit");
                }
                Path d = Files.createTempDirectory("testkit-callback-");
                Files.copy(in, d.resolve(NAME + ".py"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Procs.deleteTree(d)));
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the callback plugin", e);
            }
        }
        return dir;
    }
}
