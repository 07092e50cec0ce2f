# Copyright the ansible-mitogen-for-Jenkins authors.
"""Loads ansible-core's own connection plugins under private module names.

Our plugins are files named like the stock ones (ssh.py, local.py) so that
`ansible_connection: ssh` finds them; the plugin loader then registers ours in
sys.modules as `ansible.plugins.connection.ssh`, the name the stock module
would have. A plain import of the stock module would therefore give back our
own half-loaded module: load it from its file under another name instead.
"""
from __future__ import absolute_import, division, print_function

import importlib.util
import os
import sys

import ansible.plugins.connection as _connection_pkg

STOCK_DIR = os.path.dirname(os.path.abspath(_connection_pkg.__file__))


def load(name):
    module_name = 'ansible_mitogen_engine._stock_connection_' + name
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, os.path.join(STOCK_DIR, name + '.py'))
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception:
            del sys.modules[module_name]
            raise
    return module
