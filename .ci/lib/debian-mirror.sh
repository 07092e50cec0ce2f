#!/bin/sh
# Sourceable. Defines debian_mirror SUITE: prints the first Debian mirror URL configured for apt on this
# machine that serves SUITE (dists/SUITE/Release answers), so debootstrap uses the mirror CI can reach
# instead of a hard-coded one. Returns 1 if none does.

_debian_mirror_candidates() {
    # deb822 *.sources files: "URIs: a b"; one-line *.list files: "deb [opts] URI suite comp".
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f"
    done
}

_debian_mirror_fetch_ok() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -m 20 -o /dev/null "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -T 20 -O /dev/null "$1"
    else
        python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=20).read()' "$1" \
            >/dev/null 2>&1
    fi
}

debian_mirror() {
    suite=$1
    # Security and third-party repositories never carry a plain "dists/SUITE", so probing filters them out.
    for uri in $(_debian_mirror_candidates | grep -v -e '-security' | awk '!seen[$0]++'); do
        uri=${uri%/}
        if _debian_mirror_fetch_ok "$uri/dists/$suite/Release"; then
            echo "$uri"
            return 0
        fi
    done
    return 1
}
