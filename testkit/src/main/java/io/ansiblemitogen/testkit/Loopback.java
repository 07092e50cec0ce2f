package io.ansiblemitogen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Where test servers listen: 127.0.0.1 only, so parallel runs on one machine never reach each other's. */
public final class Loopback {
    public static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /** A port free at the moment of asking; a caller binds it later, so it retries when another took it. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
