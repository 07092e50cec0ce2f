# Copyright the ansible-mitogen-for-Jenkins authors.
"""The one rule for an on/off setting given as text, the same as the engine's Switch.java (docs/protocol.md
"On/off settings"): unset, empty, 0, false, no, off and n (any case, surrounding blanks ignored) are off;
anything else is on."""
from __future__ import absolute_import, division, print_function

import os

_OFF = frozenset(('', '0', 'false', 'no', 'off', 'n'))


def on(value, default=False):
    if value is None:
        return default
    return value.strip().lower() not in _OFF


def env_on(name, default=False, env=None):
    """Whether the environment variable NAME is on; DEFAULT when it is not set at all."""
    return on((os.environ if env is None else env).get(name), default)
