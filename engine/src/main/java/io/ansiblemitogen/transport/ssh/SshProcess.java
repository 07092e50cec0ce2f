package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.RemoteProcess;
import io.ansiblemitogen.transport.StderrCollector;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * A command running in one SSH exec channel. The streams are MINA's blocking channel streams: a write waits for
 * the remote window (so a large upload never queues up in memory) and unread output stops the local window (so a
 * large download is paced by its reader).
 */
final class SshProcess implements RemoteProcess {
    private final ChannelExec channel;
    private final StderrCollector stderr;

    SshProcess(ChannelExec channel, String label) {
        this.channel = channel;
        this.stderr = new StderrCollector(channel.getInvertedErr(), label);
    }

    @Override
    public OutputStream stdin() {
        return channel.getInvertedIn();
    }

    @Override
    public InputStream stdout() {
        return channel.getInvertedOut();
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
        Set<ClientChannelEvent> ev = channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS,
                ClientChannelEvent.CLOSED), Math.max(1, timeoutMillis));
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Integer status = channel.getExitStatus();
        if (status == null && ev.contains(ClientChannelEvent.CLOSED)) {
            return -1; // killed by a signal, or the connection went away
        }
        return status == null ? -1 : status;
    }

    @Override
    public void close() {
        // Closing the channel closes the remote command's stdio; it sees EOF and ends like an ssh child would.
        channel.close(false);
    }
}
