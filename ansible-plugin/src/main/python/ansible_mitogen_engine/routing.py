# Copyright the ansible-mitogen-for-Jenkins authors.
"""Connection routing that needs no strategy plugin (the `connection` mode, docs/ansible-plugin.md "Modes").

The files in `<plugin dir>/connection/` are found by ansible-core's plugin loader through `connection_plugins`
(ANSIBLE_CONNECTION_PLUGINS), before ansible-core's own plugins of the same names, whatever strategy the play
runs: configured directories come first for unqualified and `ansible.legacy.` names on every release. Each file
calls `taken_over` when the loader imports it (PlaybookExecutor loads every connection plugin before the first
play), which does, once per process, what does not need a strategy:

* the version policy (a warning for a release newer than the tested ones) and the public feature checks; a
  failed check is kept and raised by the first task that uses the connection (`check_usable`), because an
  exception at import would only make the loader skip our file and use the stock plugin with a warning;
* `ansible.builtin.<name>` routed to ours as well (install.register_builtin_alias), and our two options added to
  whatever definitions ansible-core already holds (install.register_extra_options).

What only a strategy gives (thread workers, the module-scan cache, the kept plugin listings, the engine
hand-shake before the first task, mitogen_via's inventory) stays in strategy_support: an accelerator.
"""
from __future__ import absolute_import, division, print_function

import threading

from ansible.errors import AnsibleError
from ansible.utils.display import Display

display = Display()

_lock = threading.Lock()
_checked = []
_taken = set()
_startup_error = []


def _check_once():
    from ansible_mitogen_engine import compat

    if _checked:
        return
    _checked.append(True)
    try:
        compat.check_version(warn=display.warning)
        compat.check_features()
    except AnsibleError as e:
        _startup_error.append(e)


def taken_over(name, module):
    """Called by `<plugin dir>/connection/<name>.py` when the plugin loader imports it."""
    from ansible_mitogen_engine import install

    with _lock:
        _check_once()
        if name in _taken:
            return
        _taken.add(name)
        install.register_builtin_alias(name, module)
        try:
            install.register_extra_options(name)
        except AnsibleError as e:
            _startup_error.append(e)
    display.vvv('ansible-mitogen: ansible_connection=%s goes to the engine (connection plugin found through '
                'connection_plugins)' % name)


def check_usable():
    """Raise what the start-up checks found wrong, for the task about to use an engine connection."""
    if _startup_error:
        raise _startup_error[0]


def names_taken():
    return frozenset(_taken)
