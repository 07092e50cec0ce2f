# Copyright the ansible-mitogen-for-Jenkins authors.
"""Turns `mitogen_via: <inventory host>` into the protocol's `via` hop list.

A hop is described by the hop host's own connection variables, read the way
TaskExecutor reads them for a task on that host: an instance of the hop's
connection plugin gets set_options(var_options=...) with the hop's variables,
so precedence and defaults are ansible-core's. The inventory and variable
manager come from the strategy (set in the controller process before the
worker starts: a forked worker has a copy of them, a thread worker shares them).
"""
from __future__ import absolute_import, division, print_function

from ansible.errors import AnsibleError

_context = {}


def set_context(inventory, variable_manager, loader):
    _context.update(inventory=inventory, variable_manager=variable_manager, loader=loader)


def _hop_connection(name):
    from ansible import constants as C
    from ansible.playbook.play_context import PlayContext
    from ansible.plugins.loader import connection_loader
    from ansible.template import Templar

    if not _context:
        raise AnsibleError('mitogen_via=%s needs the mitogen_linear or mitogen_free strategy' % name)
    host = _context['inventory'].get_host(name)
    if host is None:
        raise AnsibleError('mitogen_via names %r, which is not in the inventory' % name)
    hostvars = _context['variable_manager'].get_vars(host=host, include_hostvars=False)
    templar = Templar(loader=_context['loader'], variables=hostvars)
    conn_name = templar.template(hostvars.get('ansible_connection') or 'ssh')
    if conn_name in ('smart', 'paramiko', 'ansible.builtin.paramiko_ssh'):
        conn_name = 'ssh'
    pc = PlayContext()
    pc.remote_addr = templar.template(hostvars.get('ansible_host') or name)
    conn = connection_loader.get(conn_name, pc, '/dev/null')
    if not getattr(conn, 'mitogen_engine', False):
        raise AnsibleError('mitogen_via=%s: its connection %r is not one the engine can use as a hop' % (name, conn_name))
    options = {'_extras': {}}
    for var in C.config.get_plugin_vars('connection', conn._load_name):
        if var in hostvars:
            options[var] = templar.template(hostvars[var])
    conn.set_options(var_options=options)
    return conn


def parse_spec(via):
    """Mitogen's syntax: `[[become_method:]become_user@]inventory_hostname` -> (method, user, name)."""
    become_user, _, name = via.rpartition('@')
    method, _, become_user = become_user.rpartition(':')
    return method or None, become_user or None, name


def resolve(via, seen=()):
    """List of target objects, the first reached directly, for a mitogen_via value."""
    if not via:
        return []
    if not isinstance(via, str):
        raise AnsibleError('mitogen_via must be an inventory host name, not %r' % (via,))
    method, become_user, name = parse_spec(via)
    if become_user or method:
        # The protocol has no become per hop yet; running the hop as the login user instead would be wrong.
        raise AnsibleError('mitogen_via=%s: become on a hop ([method:]user@host) is not supported by the engine '
                           'yet; use mitogen_via=%s and become on the task' % (via, name))
    if name in seen:
        raise AnsibleError('mitogen_via loops: %s' % ' -> '.join(list(seen) + [name]))
    conn = _hop_connection(name)
    hop = conn.engine_target(seen=tuple(seen) + (name,))
    hop['inventory_name'] = name
    chain = hop.pop('via')
    return chain + [hop]
