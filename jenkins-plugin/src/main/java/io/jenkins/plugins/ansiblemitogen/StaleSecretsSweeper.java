package io.jenkins.plugins.ansiblemitogen;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.slaves.ComputerListener;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When an agent (or the built-in node) comes online, deletes the secret directories that runs on it could not
 * delete themselves: a controller restart fails a running step on resume, and its {@code finish} never runs.
 * An inbound agent that outlived the restart reconnects through a new channel, whose class loader has a new
 * token, so the directories of the earlier channel count as stale ({@code SecretsOwner}). Runs also sweep
 * before they write; this covers agents on which no run follows.
 */
@Extension
public final class StaleSecretsSweeper extends ComputerListener {
    private static final Logger LOGGER = Logger.getLogger(StaleSecretsSweeper.class.getName());

    @Override
    public void onOnline(Computer c, TaskListener listener) {
        VirtualChannel channel = c.getChannel();
        if (channel == null) {
            return;
        }
        try {
            for (String dir : channel.call(new AgentCalls.SweepStaleSecrets())) {
                listener.getLogger().println(PlaybookRunner.PREFIX + "removed the secrets an interrupted run left: " + dir);
            }
        } catch (Exception e) { // never keep an agent from coming online
            LOGGER.log(Level.FINE, "could not sweep stale ansible-mitogen secrets on " + c.getName(), e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
