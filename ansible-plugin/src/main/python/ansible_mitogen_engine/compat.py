# Copyright the ansible-mitogen-for-Jenkins authors.
"""The ansible-core versions we know, and checks of each private detail we rely on.

The version decides only what to tell the user; behaviour depends on the
feature checks below (and on the per-payload checks in ansiballz/command).
"""
from __future__ import absolute_import, division, print_function

import re

from ansible.errors import AnsibleError

OLDEST = (2, 14)
NEWEST_TESTED = (2, 22)
TESTED_TEXT = 'ansible-core 2.14 to 2.22'
# The releases the differential suites run in CI (Debian 12, Debian 13, Debian sid): named in the warning for newer
# ones.
TESTED_RELEASES = ('2.14.18', '2.19.11', '2.22.0b2')


_warned = set()


def ansible_version():
    from ansible.release import __version__
    return __version__


def parse_version(text):
    m = re.match(r'(\d+)\.(\d+)', text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2))


def check_version(version=None, warn=None):
    """Raise for an ansible-core older than we support; warn for one newer than we tested."""
    version = version or ansible_version()
    parsed = parse_version(version)
    if parsed is None:
        raise AnsibleError('ansible-mitogen: cannot read the ansible-core version %r' % version)
    if parsed < OLDEST:
        raise AnsibleError('ansible-mitogen supports %s; this is ansible-core %s. Upgrade ansible-core, '
                           'or remove the ansible-mitogen strategy and connection plugin settings to run without the engine.' % (TESTED_TEXT, version))
    if parsed > NEWEST_TESTED and warn is not None and version not in _warned:
        # once per process: the connection plugins (when the loader imports them) and the strategy both check
        _warned.add(version)
        warn('ansible-mitogen was tested with %s (releases %s); this is ansible-core %s. It checks every '
             'ansible-core detail it relies on and falls back to stock behaviour where one changed, but please '
             'report problems.' % (TESTED_TEXT, ', '.join(TESTED_RELEASES), version))
    return parsed


def check_features():
    """Raise naming the first missing public hook; return notes about optional private ones."""
    from ansible.plugins.loader import connection_loader
    from ansible.plugins.connection import ConnectionBase
    from ansible.plugins.strategy import StrategyBase

    missing = []
    if not callable(getattr(connection_loader, 'add_directory', None)):
        missing.append('PluginLoader.add_directory')
    for attr in ('exec_command', 'put_file', 'fetch_file', 'reset', 'set_options', 'has_pipelining'):
        if not hasattr(ConnectionBase, attr):
            missing.append('ConnectionBase.%s' % attr)
    if not hasattr(StrategyBase, 'run'):
        missing.append('StrategyBase.run')
    if missing:
        raise AnsibleError('ansible-mitogen cannot work with ansible-core %s: it lacks %s'
                           % (ansible_version(), ', '.join(missing)))


def workers_are_forked():
    """mitogen_via needs the controller's inventory in the worker: true when workers fork."""
    try:
        from ansible.utils.multiprocessing import context
        return context.get_start_method() == 'fork'
    except Exception:
        return False
