# Copyright the ansible-mitogen-for-Jenkins authors.
"""Makes `ansible_connection: ssh` / `local` (and ansible.builtin.*) resolve to our plugins.

Public part: connection_loader.add_directory(<our dir>), which puts our ssh.py
and local.py before ansible-core's own for unqualified and ansible.legacy names.

Private part (checked, see docs/ansible-plugin.md): the loader registers a
legacy plugin in sys.modules as `ansible.plugins.connection.<name>` and hands
back whatever module is already there. If anything loaded the stock plugin
before our strategy ran, the loader would hand out the stock module for our
path too; so we load ours under that name first. `ansible.builtin.<name>`
loads `ansible_collections.ansible.builtin.plugins.connection.<name>` (2.14)
or an alias of the legacy name (2.19); we register ours under that name too.
"""
from __future__ import absolute_import, division, print_function

import importlib.util
import os
import sys

from ansible.errors import AnsibleError

CONNECTION_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'connection')
NAMES = ('ssh', 'local')
LEGACY_MODULE = 'ansible.plugins.connection.%s'
BUILTIN_MODULE = 'ansible_collections.ansible.builtin.plugins.connection.%s'


def _ours(module):
    cls = getattr(module, 'Connection', None)
    return cls is not None and getattr(cls, 'mitogen_engine', False)


def _load_as(module_name, path):
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        if previous is not None:
            sys.modules[module_name] = previous
        else:
            del sys.modules[module_name]
        raise
    return module


def install():
    from ansible.plugins.loader import connection_loader

    connection_loader.add_directory(CONNECTION_DIR)
    for name in NAMES:
        legacy = LEGACY_MODULE % name
        module = sys.modules.get(legacy)
        if module is None or not _ours(module):
            module = _load_as(legacy, os.path.join(CONNECTION_DIR, name + '.py'))
        builtin = sys.modules.get(BUILTIN_MODULE % name)
        if builtin is None or not _ours(builtin):
            sys.modules[BUILTIN_MODULE % name] = module
        cls = connection_loader.get(name, class_only=True)
        if not getattr(cls, 'mitogen_engine', False):
            raise AnsibleError('ansible-mitogen: ansible_connection=%s still resolves to %s, not to the engine plugin '
                               'in %s; this ansible-core loads plugins in a way the plugin does not know'
                               % (name, getattr(cls, '__module__', cls), CONNECTION_DIR))
