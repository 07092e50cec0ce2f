package io.ansiblemitogen.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** {@code ansible_connection: local}: commands run as this JVM's user through {@code /bin/sh -c}. */
public final class LocalTransport implements Transport {
    private volatile boolean open = true;

    @Override
    public RemoteProcess exec(String command) throws TransportException {
        if (!open) {
            throw new TransportException("local transport is closed");
        }
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command).start();
            return new LocalProcess(p, new StderrCollector(p.getErrorStream(), "local"));
        } catch (IOException e) {
            throw new TransportException("cannot start /bin/sh: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isConnected() {
        return open;
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public void close() {
        open = false;
    }

    private record LocalProcess(Process process, StderrCollector stderr) implements RemoteProcess {
        @Override
        public OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public String stderrTail() {
            return stderr.tail();
        }

        @Override
        public byte[] stderrBytes() {
            return stderr.bytes(5000);
        }

        @Override
        public int waitFor(long timeoutMillis) throws InterruptedException {
            return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
