#!/bin/sh
# Fetches the Mitogen the benchmark compares with: Debian sid's ansible-mitogen + python3-mitogen (pure Python,
# Architecture: all), unpacked with dpkg -x into DIR/root, once (a second call finds DIR/root/.complete and does
# nothing). apt's ordinary client with a private sources list, lists and cache under DIR: the machine's own apt
# state is neither read nor changed. The mirror is the first one this machine's apt config names that serves sid.
#   benchmark/fetch-mitogen.sh DIR [VERSION]     # VERSION: a Debian version, default 0.3.54-1
# Prints DIR/root/usr/lib/python3/dist-packages on success.
set -eu
dir=${1:?usage: fetch-mitogen.sh DIR [VERSION]}
version=${2:-0.3.54-1}
here=$(cd "$(dirname "$0")" && pwd)
site="$dir/root/usr/lib/python3/dist-packages"
if [ -f "$dir/root/.complete" ]; then
    echo "$site"
    exit 0
fi
. "$here/../.ci/lib/debian-mirror.sh"
mirror=$(debian_mirror sid) || { echo "fetch-mitogen: no apt mirror configured here serves Debian sid" >&2; exit 1; }
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" > "$dir/apt/sources.list"
apt_opts="-q -o Dir::Etc::sourcelist=$dir/apt/sources.list -o Dir::Etc::sourceparts=- \
 -o Dir::State::Lists=$dir/apt/lists -o Dir::Cache=$dir/apt/cache -o APT::Sandbox::User=root"
# shellcheck disable=SC2086 # options are words
apt-get $apt_opts update >&2
rm -f "$dir/debs"/*.deb
# shellcheck disable=SC2086
if ! (cd "$dir/debs" && apt-get $apt_opts download "python3-mitogen=$version" "ansible-mitogen=$version" >&2); then
    echo "fetch-mitogen: Debian sid does not have python3-mitogen/ansible-mitogen $version any more; it has:" >&2
    apt-cache $apt_opts madison python3-mitogen >&2 || true
    exit 1
fi
rm -rf "$dir/root"
for deb in "$dir/debs"/python3-mitogen_*.deb "$dir/debs"/ansible-mitogen_*.deb; do
    dpkg -x "$deb" "$dir/root"
done
if [ ! -d "$site/ansible_mitogen/plugins/strategy" ]; then
    echo "fetch-mitogen: $site/ansible_mitogen/plugins/strategy missing after unpacking" >&2
    exit 1
fi
touch "$dir/root/.complete"
echo "$site"
