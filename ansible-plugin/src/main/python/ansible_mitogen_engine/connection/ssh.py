# Copyright the ansible-mitogen-for-Jenkins authors.
"""`ssh` connection through the ansible-mitogen engine.

Every option of ansible-core's ssh plugin keeps its variables, precedence and
defaults (this class inherits them); the engine reads them and holds one SSH
connection per target identity for the whole run.
"""
from __future__ import absolute_import, division, print_function

import os

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
