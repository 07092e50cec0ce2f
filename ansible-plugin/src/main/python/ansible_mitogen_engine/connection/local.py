# Copyright the ansible-mitogen-for-Jenkins authors.
"""`local` connection through the ansible-mitogen engine (a persistent local interpreter)."""
from __future__ import absolute_import, division, print_function

import getpass

from ansible.module_utils.common.text.converters import to_text

from ansible_mitogen_engine import stock
from ansible_mitogen_engine.connection_base import EngineConnectionMixin, extend_documentation

_stock = stock.load('local')

DOCUMENTATION = extend_documentation(_stock.DOCUMENTATION)


class Connection(EngineConnectionMixin, _stock.Connection):

    engine_transport = 'local'

    @property
    def _engine_host(self):
        return 'localhost'

    def _engine_target_fields(self):
        return {'host': 'localhost', 'user': getpass.getuser()}

    def _bare_command_shell(self):
        # Stock local: Popen(cmd, shell=True, executable=first word of ANSIBLE_EXECUTABLE), so $0 is that path.
        from ansible import constants as C
        exe = C.DEFAULT_EXECUTABLE.split()[0] if C.DEFAULT_EXECUTABLE else '/bin/sh'
        return {'path': to_text(exe, errors='surrogate_or_strict')}

    def _engine_cwd(self):
        # Stock local runs commands in the playbook directory (ActionBase sets .cwd for local).
        cwd = getattr(self, 'cwd', None)
        return to_text(cwd, errors='surrogate_or_strict') if cwd else None
