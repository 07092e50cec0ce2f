# Copyright the ansible-mitogen-for-Jenkins authors.
"""`ssh` connection through the ansible-mitogen engine.

Every option of ansible-core's ssh plugin keeps its variables, precedence and
defaults (this class inherits them); the engine reads them and holds one SSH
connection per target identity for the whole run.
"""
from __future__ import absolute_import, division, print_function

import os
import stat

from ansible_mitogen_engine import stock
from ansible_mitogen_engine.connection_base import EngineConnectionMixin, extend_documentation

_stock = stock.load('ssh')

DOCUMENTATION = extend_documentation(_stock.DOCUMENTATION)


def _int_or_none(value):
    if value in (None, ''):
        return None
    return int(value)


class Connection(EngineConnectionMixin, _stock.Connection):

    engine_transport = 'ssh'

    def _engine_target_fields(self):
        o = self._opt
        key = o('private_key_file')
        return {
            'host': self._engine_host,
            'port': _int_or_none(o('port')),
            'user': o('remote_user'),
            'password': o('password'),
            'private_key_file': os.path.expanduser(key) if key else None,
            'private_key_passphrase': o('private_key_passphrase'),
            'ssh_args': o('ssh_args'),
            'ssh_common_args': o('ssh_common_args'),
            'ssh_extra_args': o('ssh_extra_args'),
            'timeout': _int_or_none(o('timeout')),
            'host_key_checking': bool(o('host_key_checking', True)),
        }

    def _put_create_mode(self, in_path):
        # sftp's put (and scp's sink) open the remote file with the local file's permission bits; piped: dd, 0666.
        if self._transfer_kind() == 'plain':
            return None
        try:
            return stat.S_IMODE(os.stat(in_path).st_mode) & 0o777
        except OSError:
            return None

    def _transfer_kind(self):
        # smart tries sftp first (our sshd targets serve it), then scp; piped writes with open(..., 'wb').
        method = self._opt('ssh_transfer_method', None)
        if method is None:  # 2.14's deprecated scp_if_ssh: smart, or a boolean for scp/sftp
            legacy = str(self._opt('scp_if_ssh', 'smart')).lower()
            method = 'smart' if legacy == 'smart' else 'scp' if legacy in ('1', 'true', 'yes', 'on', 'y') else 'sftp'
        return {'smart': 'sftp', 'sftp': 'sftp', 'scp': 'scp'}.get(method, 'plain')

    def _wants_tty(self):
        return bool(self._opt('use_tty', True))

    def _login_env(self, executable, become):
        # The remote login shell runs `/bin/sh -c ...` and so sets `_` for it; under become, sudo/su reset it.
        if executable and become is None:
            return {'_': executable}
        return {}
