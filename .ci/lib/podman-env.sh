#!/bin/sh
# Sourceable (sh/bash). Makes podman usable on these machines and gives the Docker CLI an engine:
#  - CONTAINERS_CONF points at a generated containers.conf: crun fails on setrlimit and on cgroups here, so
#    ulimits are emptied, cgroupfs is used, and runc is made the default runtime (so `podman run`, `podman exec`
#    and the API service all use it without each caller passing `--runtime runc`);
#  - PODMAN is the command to use ("podman --runtime runc", explicit as well, for readers and older podman);
#  - podman_docker_start / podman_docker_stop run `podman system service` on a private Unix socket and
#    export DOCKER_HOST, so the real `docker` CLI talks to podman.
# CI_CACHE_DIR (default /work/cache) holds the generated files.

CI_CACHE_DIR=${CI_CACHE_DIR:-/work/cache}
PODMAN_ENV_DIR="$CI_CACHE_DIR/podman"
mkdir -p "$PODMAN_ENV_DIR"
if [ ! -f "$PODMAN_ENV_DIR/containers.conf" ]; then
    cat >"$PODMAN_ENV_DIR/containers.conf.tmp" <<'CONF'
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
    mv "$PODMAN_ENV_DIR/containers.conf.tmp" "$PODMAN_ENV_DIR/containers.conf"
fi
CONTAINERS_CONF="$PODMAN_ENV_DIR/containers.conf"
PODMAN="podman --runtime runc"
PODMAN_DOCKER_SOCK=${PODMAN_DOCKER_SOCK:-$PODMAN_ENV_DIR/docker.sock}
export CONTAINERS_CONF PODMAN PODMAN_DOCKER_SOCK

# Starts the Docker-API service unless one already answers on the socket; exports DOCKER_HOST.
podman_docker_start() {
    DOCKER_HOST="unix://$PODMAN_DOCKER_SOCK"
    export DOCKER_HOST
    if [ -S "$PODMAN_DOCKER_SOCK" ] && docker version >/dev/null 2>&1; then
        return 0
    fi
    rm -f "$PODMAN_DOCKER_SOCK"
    # setsid: the service must not share the caller's process group (Jenkins/CI kill groups).
    setsid $PODMAN system service --time=0 "unix://$PODMAN_DOCKER_SOCK" \
        >"$PODMAN_ENV_DIR/service.log" 2>&1 </dev/null &
    echo $! >"$PODMAN_ENV_DIR/service.pid"
    i=0
    while [ $i -lt 100 ]; do
        if [ -S "$PODMAN_DOCKER_SOCK" ] && docker version >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "podman-env: podman system service did not answer on $PODMAN_DOCKER_SOCK" >&2
    cat "$PODMAN_ENV_DIR/service.log" >&2
    return 1
}

# Stops the service this file started (by its recorded pid only).
podman_docker_stop() {
    if [ -f "$PODMAN_ENV_DIR/service.pid" ]; then
        kill "$(cat "$PODMAN_ENV_DIR/service.pid")" 2>/dev/null || true
        rm -f "$PODMAN_ENV_DIR/service.pid" "$PODMAN_DOCKER_SOCK"
    fi
}
