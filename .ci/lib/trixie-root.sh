#!/bin/sh
# Usage: trixie-root.sh DIR
# Makes DIR a Debian 13 (trixie) root holding ansible-core 2.19, openssh-client and python3, for running the
# second supported Ansible line with `chroot DIR ansible-playbook ...`. Idempotent: a DIR whose
# ansible-playbook already runs is left alone. The root is built in DIR.partial and renamed when complete,
# so an interrupted run never leaves a DIR that looks usable.
set -eu

DIR=${1:?usage: trixie-root.sh DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/debian-mirror.sh"

if [ -x "$DIR/usr/bin/ansible-playbook" ] && chroot "$DIR" ansible-playbook --version >/dev/null 2>&1; then
    echo "trixie-root: $DIR already usable" >&2
    exit 0
fi
if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
    echo "trixie-root: $DIR exists but holds no working ansible-playbook; remove it first" >&2
    exit 1
fi

command -v debootstrap >/dev/null || { echo "trixie-root: debootstrap is not installed" >&2; exit 1; }
MIRROR=$(debian_mirror trixie) || { echo "trixie-root: no configured apt mirror serves trixie" >&2; exit 1; }

PARTIAL="$DIR.partial"
rm -rf "$PARTIAL"
mkdir -p "$(dirname "$DIR")"
start=$(date +%s)
echo "trixie-root: debootstrap trixie from $MIRROR into $PARTIAL" >&2
# python3-cffi-backend is listed because debootstrap's resolver ignores virtual packages: python3-cryptography
# (needed by ansible-core) depends on python3-cffi-backend-api-min/max, which only python3-cffi-backend provides.
debootstrap --include=ansible-core,openssh-client,python3,python3-cffi-backend trixie "$PARTIAL" "$MIRROR" >"$PARTIAL.log" 2>&1 || {
    echo "trixie-root: debootstrap failed; last lines of $PARTIAL.log:" >&2
    tail -n 20 "$PARTIAL.log" >&2
    exit 1
}
# The apt cache is not needed to run Ansible and is most of the root's size.
rm -rf "$PARTIAL"/var/cache/apt/archives/*.deb
rmdir "$DIR" 2>/dev/null || true
mv "$PARTIAL" "$DIR"
mv "$PARTIAL.log" "$DIR.debootstrap.log"
chroot "$DIR" ansible-playbook --version >/dev/null
echo "trixie-root: built $DIR in $(( $(date +%s) - start )) s" >&2
