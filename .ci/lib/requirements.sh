#!/bin/sh
# Sourceable. The one list of what lies outside this repository and the build or its tests use: bin/setup
# installs or builds what it can from it, bin/preflight checks all of it before the tests run. A new outside piece
# goes here, with what brings it, or a fresh machine finds out ten minutes into the suite.
#
# Each row: KIND NAME FROM PURPOSE...
#   package     a Debian package (dpkg status "install ok installed"); FROM apt: bin/setup installs it
#   command     an executable (on PATH, or an absolute path); FROM the package or "base-image" (this kind of
#               machine has it when new; bin/setup cannot bring it)
#   collection  an Ansible collection in /usr/lib/python3/dist-packages/ansible_collections; FROM its package
#   image       a podman image; FROM the Debian suite bin/setup builds it from (.ci/lib/target-image.sh)
#   root        a Debian root $CACHE_DIR/NAME for another ansible-core line; FROM the script bin/setup runs
requirement_rows() {
    cat <<'ROWS'
package openjdk-17-jdk-headless apt      builds and runs the engine (Java 17)
package maven                  apt      bootstraps the Maven wrapper (./mvnw) once
package ansible-core           apt      ansible-playbook 2.14, the Ansible the plugin drives and the tests compare with
package ansible                apt      the collections stock needs for podman/docker connections and synchronize
package ansible-mitogen        apt      Mitogen 0.3.3, a peer in the benchmark
package python3-mitogen        apt      Mitogen 0.3.3's library
package openssh-server         apt      real sshd targets on loopback ports
package openssh-client         apt      stock Ansible's ssh, ssh-keygen, ssh-agent
package sudo                   apt      become tests with real accounts
package opendoas               apt      doas become tests
package passwd                 apt      useradd/chpasswd for the test accounts
package iproute2               apt      network namespaces for bastion-only targets
package podman                 apt      container targets (podman connection; Docker API for the docker CLI)
package runc                   apt      the container runtime that works on these machines
package debootstrap            apt      the container images and the Debian 13 root
command /usr/sbin/sshd         openssh-server  real sshd targets
command ansible-playbook       ansible-core    stock runs
command docker                 base-image      the real Docker CLI (talks to podman's API socket); Debian's docker.io has it too
command /root/.pyenv/versions/3.6.15/bin/python3.6  base-image  the oldest supported target Python
command /root/.pyenv/versions/3.13.0/bin/python3.13 base-image  the newest supported target Python
collection containers.podman   ansible  stock's podman connection
collection community.docker    ansible  stock's docker connection
collection ansible.posix        ansible  stock's synchronize
image localhost/target-py3     bookworm  container target, Debian 12 / Python 3.11
image localhost/target-py313   trixie    container target, Debian 13 / Python 3.13
root trixie                    .ci/lib/trixie-root.sh  ansible-core 2.19 (Debian 13) for the 2.19 suites
root sid                       .ci/lib/sid-root.sh     ansible-core 2.22 (Debian sid) and its Python for the 2.22 suites
ROWS
}

# Where the Debian roots are cached; the tests read the same variable (TrixieRoot).
CACHE_DIR=${CI_CACHE_DIR:-/work/cache}

requirement_packages() {
    requirement_rows | awk '$1 == "package" { print $2 }'
}
