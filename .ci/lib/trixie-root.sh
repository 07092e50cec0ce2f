#!/bin/sh
# Usage: trixie-root.sh DIR
# The Debian 13 root with ansible-core 2.19 (kept under this name for the 2.19 tests and the docs): see
# debian-root.sh.
exec sh "$(cd "$(dirname "$0")" && pwd)/debian-root.sh" trixie "${1:?usage: trixie-root.sh DIR}"
