#!/bin/bash
# Sets up this machine (Debian packages), starts a throwaway sshd on a loopback port as the example target,
# and runs examples/site.yml through the engine with `bin/ansible-mitogen playbook`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/bin/setup" --packages

dir=$(mktemp -d /tmp/ansible-mitogen-example-sshd.XXXXXX)
port=${EXAMPLE_PORT:-22022}
cleanup() { [ -f "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
cp "$dir/client_key.pub" "$dir/authorized_keys"
cat > "$dir/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
StrictModes no
UsePAM no
CFG
echo "[127.0.0.1]:$port $(cat "$dir/host_key.pub")" > "$dir/known_hosts"
mkdir -p /run/sshd
/usr/sbin/sshd -f "$dir/sshd_config"
for _ in $(seq 50); do [ -f "$dir/sshd.pid" ] && break; sleep 0.1; done

cat > "$dir/hosts.ini" <<INV
[targets]
example ansible_host=127.0.0.1 ansible_port=$port ansible_user=$(id -un) ansible_ssh_private_key_file=$dir/client_key ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-o UserKnownHostsFile=$dir/known_hosts'
INV
export ANSIBLE_MITOGEN_SUMMARY=1
"$here/bin/ansible-mitogen" playbook -i "$dir/hosts.ini" "$here/examples/site.yml" "$@"
