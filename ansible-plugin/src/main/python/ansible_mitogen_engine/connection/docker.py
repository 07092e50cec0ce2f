# Copyright the ansible-mitogen-for-Jenkins authors.
"""`docker` connection through the ansible-mitogen engine (`docker exec -i` of one persistent interpreter).

Subclasses community.docker.docker when that collection is installed (so its variables and precedence apply),
else a minimal plugin with the same core options.
"""
from __future__ import absolute_import, division, print_function

from ansible_mitogen_engine import stock
from ansible_mitogen_engine.connection_base import EngineConnectionMixin, extend_documentation

_Base, _DOC = stock.collection_connection('community.docker.docker', 'docker')

DOCUMENTATION = extend_documentation(_DOC)


class Connection(EngineConnectionMixin, _Base):

    engine_transport = 'docker'

    def __init__(self, *args, **kwargs):
        # The docker CLI may live on a hop (mitogen_via), not here: never look it up on the controller.
        kwargs.setdefault('docker_command', 'docker')
        super(Connection, self).__init__(*args, **kwargs)

    @property
    def _engine_host(self):
        return self._opt('remote_addr') or self._engine_inventory_name

    def _bare_command_shell(self):
        # community.docker's exec_command: `docker exec ... EXECUTABLE -c CMD` (ansible_shell_executable).
        return {'path': getattr(self._play_context, 'executable', None) or '/bin/sh'}

    def _engine_target_fields(self):
        return {
            'host': self._engine_host,
            'user': self._opt('remote_user'),
            'container_extra_args': self._opt('docker_extra_args') or None,
        }
