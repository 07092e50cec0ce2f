#!/bin/sh
# Usage: sid-root.sh DIR
# The Debian sid (unstable) root with the newest ansible-core (2.22 when written) and the newest Debian Python:
# see debian-root.sh. Sid moves daily; a cached root is kept as it is (rebuild by removing DIR).
exec sh "$(cd "$(dirname "$0")" && pwd)/debian-root.sh" sid "${1:?usage: sid-root.sh DIR}"
