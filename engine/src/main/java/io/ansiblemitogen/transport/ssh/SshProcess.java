package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.transport.StreamProcess;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;

import java.util.EnumSet;
import java.util.Set;

/**
 * A command running in one SSH exec channel. The streams are MINA's blocking channel streams: a write waits for
 * the remote window (so a large upload never queues up in memory) and unread output stops the local window (so a
 * large download is paced by its reader).
 */
final class SshProcess {
    private SshProcess() {
    }

    static StreamProcess of(ChannelExec channel, String label) {
        return new StreamProcess(channel.getInvertedIn(), channel.getInvertedOut(), channel.getInvertedErr(), label,
                timeoutMillis -> exitStatus(channel, timeoutMillis),
                // Closing the channel closes the remote command's stdio; it sees EOF and ends like an ssh child would.
                () -> channel.close(false));
    }

    private static int exitStatus(ChannelExec channel, long timeoutMillis) throws InterruptedException {
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
}
