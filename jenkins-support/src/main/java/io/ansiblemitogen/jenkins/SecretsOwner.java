package io.ansiblemitogen.jenkins;

import java.util.Optional;
import java.util.UUID;

/**
 * Who made a secrets directory: the JVM (pid and start time, so a reused pid is not mistaken for it) and the
 * class loader that holds this class in that JVM. On an agent, each remoting channel loads jenkins-support
 * afresh, so a directory made through an earlier channel of this same agent JVM (a controller that restarted
 * while a playbook ran, and whose step therefore failed on resume) has another token and is known to be stale.
 */
record SecretsOwner(long pid, long startMillis, String token) {
    /** This class loader's token; one per remoting channel on an agent, one per controller JVM. */
    static final String TOKEN = UUID.randomUUID().toString();

    static SecretsOwner current() {
        ProcessHandle self = ProcessHandle.current();
        return new SecretsOwner(self.pid(), startMillis(self), TOKEN);
    }

    String encode() {
        return pid + " " + startMillis + " " + token + "\n";
    }

    static Optional<SecretsOwner> decode(String s) {
        String[] f = s.strip().split(" ");
        if (f.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SecretsOwner(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the run that made the directory may still be using it. */
    boolean mayBeAlive() {
        SecretsOwner me = current();
        if (pid == me.pid && startMillis == me.startMillis) {
            return token.equals(me.token);
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> startMillis < 0 || startMillis(h) < 0 || startMillis(h) == startMillis).orElse(false);
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
    }
}
