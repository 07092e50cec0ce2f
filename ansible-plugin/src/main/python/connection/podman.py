# Copyright the ansible-mitogen-for-Jenkins authors.
"""`podman` through the ansible-mitogen engine, found by ansible-core's plugin loader in `connection_plugins`.

This directory in `connection_plugins` (ANSIBLE_CONNECTION_PLUGINS) takes over `ansible_connection: podman` with no
strategy plugin at all (docs/ansible-plugin.md "Modes"): the loader finds this file before ansible-core's own.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

# Our package lives beside this directory (it is not an Ansible plugin directory).
_ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # through `current`: this version's package
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from ansible_mitogen_engine import routing  # noqa: E402
from ansible_mitogen_engine.connection.podman import DOCUMENTATION, Connection  # noqa: E402,F401

routing.taken_over('podman', sys.modules[__name__])
