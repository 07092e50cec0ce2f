#!/bin/sh
# Usage: target-image.sh [IMAGE] [SUITE]   (defaults: localhost/target-py3 bookworm)
# Builds the podman image used as container target: a minbase Debian root with python3, imported from a
# debootstrap tree cached in $CI_CACHE_DIR/rootfs-SUITE-py3 (no registry is reachable here). Idempotent: an
# existing image is kept, and an existing cached root is reused. bookworm gives Python 3.11, trixie 3.13.
set -eu

IMAGE=${1:-localhost/target-py3}
SUITE=${2:-bookworm}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/podman-env.sh"
. "$HERE/debian-mirror.sh"

if $PODMAN image exists "$IMAGE"; then
    echo "target-image: $IMAGE already present" >&2
    exit 0
fi

ROOT="$CI_CACHE_DIR/rootfs-$SUITE-py3"
if ! [ -x "$ROOT/usr/bin/python3" ]; then
    MIRROR=$(debian_mirror "$SUITE") || { echo "target-image: no configured mirror serves $SUITE" >&2; exit 1; }
    start=$(date +%s)
    rm -rf "$ROOT.partial"
    debootstrap --variant=minbase --include=python3 "$SUITE" "$ROOT.partial" "$MIRROR" \
        >"$ROOT.debootstrap.log" 2>&1 || {
        echo "target-image: debootstrap failed; see $ROOT.debootstrap.log" >&2
        tail -n 20 "$ROOT.debootstrap.log" >&2
        exit 1
    }
    rm -rf "$ROOT.partial"/var/cache/apt/archives/*.deb
    mv "$ROOT.partial" "$ROOT"
    echo "target-image: debootstrap $SUITE took $(( $(date +%s) - start )) s" >&2
fi

start=$(date +%s)
tar -C "$ROOT" -c . | $PODMAN import - "$IMAGE" >/dev/null
echo "target-image: imported $IMAGE in $(( $(date +%s) - start )) s" >&2
