# Copyright the ansible-mitogen-for-Jenkins authors.
"""Become failures in stock Ansible's words.

Playbooks test the message of a failed become (`'Incorrect sudo password' in result.msg`, `failed_when`,
rescue blocks), so a task whose become failed must carry exactly the `msg` stock's ssh connection raises
(ansible/plugins/connection/ssh.py, `_bare_run`). The engine's own sentence, which names the user, the host and
what the become program said, is printed beside it on the console, never instead of it. A become program that
ended before Python started is not handled here: the engine reports it as the command's failure (rc and the
program's words as stderr), which ActionBase turns into stock's MODULE FAILURE.
"""
from __future__ import absolute_import, division, print_function

from ansible.errors import AnsibleConnectionFailure, AnsibleError

from ansible_mitogen_engine import compat

# ssh.py waits that much longer than the connection timeout before it gives up on the prompt.
_PROMPT_TIMEOUT_MARGIN = 2


def stock_error(reason, become, timeout, version=None):
    """The exception stock's ssh connection raises for `reason` (the engine's `error.become`), or None when stock
    has no words of its own for it (the engine's message then stands)."""
    name = getattr(become, 'name', None) or 'sudo'
    if reason == 'wrong_password':
        return AnsibleError('Incorrect %s password' % name)
    if reason == 'password_required':
        if getattr(become, 'missing', None):
            # The plugin knows the program's "a password is required" (sudo -n): stock says so at once.
            return AnsibleError('Missing %s password' % name)
        # su and others have no such words: stock, given no password, does not expect a prompt and waits for the
        # success marker until its select timeout. The engine knows sooner; the message stays stock's.
        return _prompt_timeout(timeout, version)
    if reason == 'timeout':
        return _prompt_timeout(timeout, version)
    return None


def _prompt_timeout(timeout, version):
    msg = 'Timeout (%ds) waiting for privilege escalation prompt: ' % (_PROMPT_TIMEOUT_MARGIN + int(timeout or 10))
    parsed = compat.parse_version(version or compat.ansible_version())
    if parsed is not None and parsed >= (2, 19):
        # 2.19's ssh connection reports it as a connection failure (UNREACHABLE).
        return AnsibleConnectionFailure(msg)
    return AnsibleError(msg)
