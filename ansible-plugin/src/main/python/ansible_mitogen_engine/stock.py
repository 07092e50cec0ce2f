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


# Used when the collection that ships a connection plugin is not installed: the options the engine needs.
_MINIMAL_CONTAINER_DOC = '''
name: %(name)s
short_description: %(name)s exec
description: [Runs tasks in a %(name)s container.]
options:
  remote_addr:
    description: [The container name or id.]
    default: inventory_hostname
    vars: [{name: inventory_hostname}, {name: ansible_host}, {name: ansible_%(name)s_host}]
  remote_user:
    description: [The user in the container.]
    vars: [{name: ansible_user}, {name: ansible_%(name)s_user}]
'''


def _collection_may_exist(fqcn):
    """False only when the collection is surely not installed.

    ansible-core 2.19's loader prints "[WARNING]: Error loading plugin ..." for a plugin of a missing collection
    (2.14 returned None silently), and a bare 2.19 (`ansible-core` without the `ansible` package) has no
    collections: looking the collection package up first keeps every run of such an installation quiet. The
    lookup goes through ansible-core's own collection finder (in sys.meta_path once the CLI has started).
    """
    namespace, collection = fqcn.split('.')[:2]
    try:
        return importlib.util.find_spec('ansible_collections.%s.%s' % (namespace, collection)) is not None
    except ImportError:
        return False
    except Exception:
        return True  # cannot tell: let the loader decide, as before


def collection_connection(fqcn, name):
    """(Connection class, DOCUMENTATION) of a collection's connection plugin, or a minimal stand-in."""
    from ansible.plugins.connection import ConnectionBase
    from ansible.plugins.loader import connection_loader

    cls = None
    if _collection_may_exist(fqcn):
        try:
            cls = connection_loader.get(fqcn, class_only=True)
        except Exception:
            cls = None
    if cls is None:
        class _Missing(ConnectionBase):
            transport = name
            has_pipelining = True

            def _connect(self):
                return self

            def exec_command(self, cmd, in_data=None, sudoable=True):
                raise NotImplementedError

            def put_file(self, in_path, out_path):
                raise NotImplementedError

            def fetch_file(self, in_path, out_path):
                raise NotImplementedError

            def close(self):
                pass

        return _Missing, _MINIMAL_CONTAINER_DOC % {'name': name}
    return cls, sys.modules[cls.__module__].DOCUMENTATION
