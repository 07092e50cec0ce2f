# Copyright the ansible-mitogen-for-Jenkins authors.
"""Which transfers the target should hash as it writes them: those of the stock copy action, and no others.

The copy action (and template, which runs it) sends its source as TMPDIR/source and then runs the copy module on
it, which reads the file back for its sha1 and md5. `put_file` can ask the target to hash the bytes as they arrive
instead (connection_base.DIGEST_ON_RECEIVE). Recognising those transfers by their name alone also caught
`unarchive`, which sends its archive under the same name and never hashes it, and missed ansible-core 2.19's copy,
which names it TMPDIR/.source plus the destination's suffix. So the copy action's `_copy_file` is wrapped to mark,
for its own thread, that the one transfer it makes is the copy module's source, unless `raw` sends the file
straight to its destination with no module after it. A thread-local, because thread workers run several tasks at
once; forked workers inherit the wrapper from the strategy's process.
"""
from __future__ import absolute_import, division, print_function

import threading

_state = threading.local()


def install(note=None):
    """Wraps ansible.plugins.action.copy.ActionModule._copy_file once; False if this ansible-core has none."""
    try:
        from ansible.module_utils.parsing.convert_bool import boolean
        from ansible.plugins.action import copy as copy_action
    except ImportError:
        return False
    cls = getattr(copy_action, 'ActionModule', None)
    original = getattr(cls, '_copy_file', None)
    if original is None:
        if note:
            note('ansible-mitogen: no copy action _copy_file here; large copies are hashed after the transfer')
        return False
    if getattr(original, '_ansible_mitogen', False):
        return True

    def _copy_file(self, *args, **kwargs):
        outer = getattr(_state, 'module_source', False)
        # the action's own reading of `raw` (boolean, strict=False): a raw copy runs no module on what it sends
        _state.module_source = not boolean(self._task.args.get('raw', 'no'), strict=False)
        try:
            return original(self, *args, **kwargs)
        finally:
            _state.module_source = outer

    _copy_file._ansible_mitogen = True
    _copy_file.__doc__ = original.__doc__
    cls._copy_file = _copy_file
    return True


def sending_copy_module_source():
    """True while this thread runs the copy action's _copy_file for a copy module (not `raw`)."""
    return getattr(_state, 'module_source', False)
