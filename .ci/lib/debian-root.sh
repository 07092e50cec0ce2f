#!/bin/sh
# Usage: debian-root.sh SUITE DIR
# Makes DIR a Debian SUITE root holding that suite's ansible-core, openssh-client and python3, for running
# another ansible-core line with `chroot DIR ansible-playbook ...`: trixie (Debian 13) gives 2.19, sid gives the
# newest (2.22). The same root is also a *target* with that suite's Python (3.13 on trixie, the newest on sid): an
# sshd on the host with `ChrootDirectory DIR` serves sessions inside it, and stock
# Ansible's file transfers there need openssh-sftp-server. Idempotent: a DIR whose ansible-playbook already
# runs is left alone, apart from adding the packages of EXTRA that it lacks (roots made by older versions of
# this script). The root is built in DIR.partial and renamed when complete, so an interrupted run never leaves
# a DIR that looks usable.
set -eu

EXTRA="openssh-sftp-server"

SUITE=${1:?usage: debian-root.sh SUITE DIR}
DIR=${2:?usage: debian-root.sh SUITE DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/debian-mirror.sh"

if [ -x "$DIR/usr/bin/ansible-playbook" ] && chroot "$DIR" ansible-playbook --version >/dev/null 2>&1; then
    missing=""
    for p in $EXTRA; do
        chroot "$DIR" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "debian-root[$SUITE]: adding$missing to $DIR" >&2
        chroot "$DIR" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
            >"$DIR.extra.log" 2>&1 || {
            # the package lists may be stale (a point release replaced the .deb): refresh once and retry
            chroot "$DIR" apt-get update -q >>"$DIR.extra.log" 2>&1
            chroot "$DIR" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                $missing >>"$DIR.extra.log" 2>&1
        } || { echo "debian-root[$SUITE]: cannot add$missing; see $DIR.extra.log" >&2; exit 1; }
        rm -rf "$DIR"/var/cache/apt/archives/*.deb
    fi
    echo "debian-root[$SUITE]: $DIR already usable" >&2
    exit 0
fi
if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
    echo "debian-root[$SUITE]: $DIR exists but holds no working ansible-playbook; remove it first" >&2
    exit 1
fi

command -v debootstrap >/dev/null || { echo "debian-root[$SUITE]: debootstrap is not installed" >&2; exit 1; }
MIRROR=$(debian_mirror "$SUITE") || { echo "debian-root[$SUITE]: no configured apt mirror serves $SUITE" >&2; exit 1; }

PARTIAL="$DIR.partial"
rm -rf "$PARTIAL"
mkdir -p "$(dirname "$DIR")"
start=$(date +%s)
echo "debian-root[$SUITE]: debootstrap $SUITE from $MIRROR into $PARTIAL" >&2
# python3-cffi-backend is listed because debootstrap's resolver ignores virtual packages: python3-cryptography
# (needed by ansible-core) depends on python3-cffi-backend-api-min/max (trixie and sid alike), which only python3-cffi-backend provides.
debootstrap --include=ansible-core,openssh-client,python3,python3-cffi-backend,$(echo $EXTRA | tr " " ",") "$SUITE" "$PARTIAL" "$MIRROR" >"$PARTIAL.log" 2>&1 || {
    echo "debian-root[$SUITE]: debootstrap failed; last lines of $PARTIAL.log:" >&2
    tail -n 20 "$PARTIAL.log" >&2
    exit 1
}
# The apt cache is not needed to run Ansible and is most of the root's size.
rm -rf "$PARTIAL"/var/cache/apt/archives/*.deb
rmdir "$DIR" 2>/dev/null || true
mv "$PARTIAL" "$DIR"
mv "$PARTIAL.log" "$DIR.debootstrap.log"
chroot "$DIR" ansible-playbook --version >/dev/null
echo "debian-root[$SUITE]: built $DIR in $(( $(date +%s) - start )) s" >&2
