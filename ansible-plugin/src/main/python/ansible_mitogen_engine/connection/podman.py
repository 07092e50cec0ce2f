# Copyright the ansible-mitogen-for-Jenkins authors.
"""`podman` connection through the ansible-mitogen engine (`podman exec -i` of one persistent interpreter).

Subclasses containers.podman.podman when that collection is installed (so its variables and precedence apply),
else a minimal plugin with the same core options.
"""
from __future__ import absolute_import, division, print_function

from ansible_mitogen_engine import stock
from ansible_mitogen_engine.connection_base import EngineConnectionMixin, extend_documentation

_Base, _DOC = stock.collection_connection('containers.podman.podman', 'podman')

DOCUMENTATION = extend_documentation(_DOC)


class Connection(EngineConnectionMixin, _Base):

    engine_transport = 'podman'

    @property
    def _engine_host(self):
        # As the collection's plugin does: PlayContext.remote_addr (ansible_host), not get_option('remote_addr'),
        # whose variable list lets inventory_hostname win over ansible_host.
        return getattr(self._play_context, 'remote_addr', None) or self._opt('remote_addr') \
            or self._engine_inventory_name

    def _bare_command_shell(self):
        # containers.podman's exec_command runs shlex.split(cmd) with no shell at all.
        return {'split': True}

    def _engine_target_fields(self):
        return {
            'host': self._engine_host,
            'user': self._opt('remote_user'),
            'container_extra_args': self._opt('podman_extra_args') or None,
        }
