#!/bin/sh
# Usage: trixie-run.sh ROOT [-b PATH]... [-C DIR] [-e NAME=VALUE]... -- COMMAND [ARG]...
# Runs COMMAND inside the Debian root ROOT (made by debian-root.sh: trixie for ansible-core 2.19, sid for 2.22)
# with chroot.
# Each -b PATH is bind-mounted at the same path inside ROOT, so playbooks, keys, plugin directories and the
# engine's socket directory keep their host paths. -C DIR is the working directory inside ROOT. -e sets an
# environment variable (the environment is otherwise passed through).
# The mounts live in a private mount namespace (unshare -m): they vanish when COMMAND exits, even if it is
# killed, so nothing is left mounted under ROOT. /proc and /dev/pts are mounted too: ssh and sudo do not need
# them for key-based logins, but sshpass/askpass password logins and anything reading /proc do.
# The network is the host's (a chroot is not a network namespace): 127.0.0.1 reaches sshd on the host's
# loopback. Use 127.0.0.1, not "localhost": inside the trixie root, localhost resolves to ::1 first.
set -eu

ROOT=${1:?usage: trixie-run.sh ROOT [-b PATH]... [-C DIR] [-e NAME=VALUE]... -- COMMAND...}
shift
BINDS=""
CWD=/
ENVS=""
while [ $# -gt 0 ]; do
    case "$1" in
        -b) BINDS="$BINDS $(realpath "$2")"; shift 2 ;;
        -C) CWD=$2; shift 2 ;;
        -e) ENVS="$ENVS $2"; shift 2 ;;
        --) shift; break ;;
        *) echo "trixie-run: unknown option $1" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "trixie-run: no command" >&2; exit 2; }
[ -x "$ROOT/usr/bin/ansible-playbook" ] || { echo "trixie-run: $ROOT is not a Debian root with ansible-core (run debian-root.sh)" >&2; exit 1; }

# The inner script receives ROOT, CWD, BINDS, ENVS as positional parameters, then the command.
# Mount points it had to create inside ROOT are removed again afterwards (the root is cached across runs, and
# serves as an ssh target whose /tmp must not fill up with empty directories); a mount point is only ever
# rmdir'ed/unlinked after its unmount succeeded, never removed recursively.
exec unshare --mount --propagation private /bin/sh -eu -c '
    ROOT=$1 CWD=$2 BINDS=$3 ENVS=$4; shift 4
    mount -t proc proc "$ROOT/proc"
    mount --bind /dev/pts "$ROOT/dev/pts"
    MADE=""
    for p in $BINDS; do
        top=""; q="$ROOT$p"
        while [ ! -e "$q" ] && [ ! -L "$q" ]; do top=$q; q=$(dirname "$q"); done
        if [ -d "$p" ]; then mkdir -p "$ROOT$p"; else mkdir -p "$ROOT$(dirname "$p")"; touch "$ROOT$p"; fi
        mount --bind "$p" "$ROOT$p"
        MADE="$ROOT$p|$top $MADE"
    done
    rc=0
    chroot "$ROOT" /usr/bin/env -C "$CWD" $ENVS "$@" || rc=$?
    for m in $MADE; do
        point=${m%%|*} top=${m#*|}
        umount -l "$point" 2>/dev/null || continue
        [ -n "$top" ] || continue
        if [ -d "$point" ]; then rmdir "$point" 2>/dev/null || continue; else rm -f "$point"; fi
        q=$(dirname "$point")
        while [ "$point" != "$top" ] && [ "${#q}" -ge "${#top}" ]; do
            rmdir "$q" 2>/dev/null || break
            point=$q; q=$(dirname "$q")
        done
    done
    exit $rc
' trixie-run "$ROOT" "$CWD" "$BINDS" "$ENVS" "$@"
