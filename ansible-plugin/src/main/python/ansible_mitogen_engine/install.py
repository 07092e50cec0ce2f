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
NAMES = ('ssh', 'local', 'docker', 'podman')
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


def register_extra_options(name):
    """Add our options to the config definitions ansible-core already holds for `name`.

    PlaybookExecutor loads every connection plugin before the strategy exists, so the
    definitions for `ssh`/`local` come from the stock DOCUMENTATION, and the loader never
    reads ours (it only reads a plugin's DOCUMENTATION the first time it sees the name).
    Without this, TaskExecutor would not pass mitogen_* variables to set_options.
    """
    from ansible import constants as C
    from ansible_mitogen_engine.connection_base import EXTRA_OPTIONS

    config = C.config
    if not (hasattr(config, 'get_configuration_definitions')
            and hasattr(config, 'initialize_plugin_configuration_definitions')):
        raise AnsibleError('ansible-mitogen: this ansible-core has no ConfigManager.initialize_plugin_configuration_'
                           'definitions; mitogen_task_isolation and mitogen_via cannot be read per task')
    for key in (name, 'ansible.builtin.' + name, 'ansible.legacy.' + name):
        if not config.has_configuration_definition('connection', key):
            continue
        defs = dict(config.get_configuration_definitions('connection', key))
        missing = [o for o in EXTRA_OPTIONS if o not in defs]
        if missing:
            for option in missing:
                defs[option] = dict(EXTRA_OPTIONS[option])
            config.initialize_plugin_configuration_definitions('connection', key, defs)


def register_builtin_alias(name, module):
    """`ansible.builtin.<name>` on 2.14 imports this module name: make it ours unless it already is."""
    builtin = sys.modules.get(BUILTIN_MODULE % name)
    if builtin is None or not _ours(builtin):
        sys.modules[BUILTIN_MODULE % name] = module


def install():
    from ansible.plugins.loader import connection_loader

    connection_loader.add_directory(CONNECTION_DIR)
    for name in NAMES:
        legacy = LEGACY_MODULE % name
        module = sys.modules.get(legacy)
        if module is None or not _ours(module):
            module = _load_as(legacy, os.path.join(CONNECTION_DIR, name + '.py'))
        register_builtin_alias(name, module)
        register_extra_options(name)
        cls = connection_loader.get(name, class_only=True)
        if not getattr(cls, 'mitogen_engine', False):
            raise AnsibleError('ansible-mitogen: ansible_connection=%s still resolves to %s, not to the engine plugin '
                               'in %s; this ansible-core loads plugins in a way the plugin does not know'
                               % (name, getattr(cls, '__module__', cls), CONNECTION_DIR))
