package io.ansiblemitogen.transport.ssh;

import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.testkit.SshdFixture;

import java.util.List;

/** TargetSpecs for a test sshd, built the way the Ansible plugin fills them (stock default ssh_args). */
final class SshTargets {
    static final String DEFAULT_SSH_ARGS = "-C -o ControlMaster=auto -o ControlPersist=60s";

    private SshTargets() {
    }

    static Builder to(SshdFixture sshd) {
        return new Builder(sshd);
    }

    static final class Builder {
        private final SshdFixture sshd;
        private String name = "target1";
        private Integer port;
        private String user;
        private String password;
        private String key;
        private String passphrase;
        private String common;
        private String extra;
        private Boolean hostKeyChecking = true;
        private Integer timeout = 10;
        private List<TargetSpec> via = List.of();
        private String sshArgs = DEFAULT_SSH_ARGS;

        Builder(SshdFixture sshd) {
            this.sshd = sshd;
            this.port = sshd.port();
            this.user = sshd.userName();
            this.key = sshd.clientKey().toString();
            this.common = sshd.sshCommonArgs();
        }

        Builder name(String v) {
            name = v;
            return this;
        }

        Builder port(int v) {
            port = v;
            return this;
        }

        Builder user(String v) {
            user = v;
            return this;
        }

        Builder password(String v) {
            password = v;
            return this;
        }

        Builder key(String v) {
            key = v;
            return this;
        }

        Builder passphrase(String v) {
            passphrase = v;
            return this;
        }

        Builder common(String v) {
            common = v;
            return this;
        }

        Builder sshArgs(String v) {
            sshArgs = v;
            return this;
        }

        Builder extra(String v) {
            extra = v;
            return this;
        }

        Builder hostKeyChecking(Boolean v) {
            hostKeyChecking = v;
            return this;
        }

        Builder timeout(Integer v) {
            timeout = v;
            return this;
        }

        Builder via(TargetSpec... hops) {
            via = List.of(hops);
            return this;
        }

        TargetSpec build() {
            return new TargetSpec("ssh", name, sshd.host(), port, user, password, key, passphrase, sshArgs,
                    common, extra, timeout, hostKeyChecking, "python3", via);
        }
    }
}
