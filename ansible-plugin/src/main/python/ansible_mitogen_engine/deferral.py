# Copyright the ansible-mitogen-for-Jenkins authors.
"""Ansible's temp-dir commands whose result is known in advance, so they need no round trip of their own.

A `copy` or `template` task runs, in one worker: `echo ~`, the shell plugin's mkdtemp, a module, put_file,
chmod of the temp dir and file, the copy module, and `rm -f -r` of the temp dir. The mkdtemp prints
`BASEFILE=PATH` where both are in the command, chmod and rm print nothing; so the connection answers them at once
with the result they would have had and sends them, in order, as `pre` of its next request (rm: on its own,
without waiting). A command is recognised only if the shell plugin itself builds the exact same text from the
parts read back out of it, and only for plain paths that `echo` prints verbatim; anything else goes to the
target as before.
"""
from __future__ import absolute_import, division, print_function

import re
import shlex

# Paths that `echo` prints verbatim and the shell does not expand: no blanks, globs, quotes, backslashes, `$`.
_PLAIN_PATH = re.compile(r'^/[A-Za-z0-9_./@+,:-]*$')
_PLAIN_NAME = re.compile(r'^[A-Za-z0-9_.-]+$')
# chmod modes a chmod of our own files cannot fail on (ACL forms such as `+a` are left to the target).
_CHMOD_MODE = re.compile(r'^([0-7]{3,4}|[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*)$')
_MKDTEMP_PARTS = re.compile(r'mkdir -p \S+ echo (\S+) .* echo ([^\s=]+)=')


def is_plain_path(text):
    """Whether `echo` prints this absolute path verbatim (connection_base also keeps home lookups only then)."""
    return _PLAIN_PATH.match(text) is not None


def _split(text):
    try:
        return shlex.split(text)
    except ValueError:
        return None


class Mkdtemp(object):
    def __init__(self, cmd, path, stdout):
        self.cmd = cmd
        self.path = path      # the new dir, with a trailing slash as ActionBase keeps it
        self.stdout = stdout


class Chmod(object):
    def __init__(self, cmd, paths):
        self.cmd = cmd
        self.paths = paths


class Remove(object):
    def __init__(self, cmd, path):
        self.cmd = cmd
        self.path = path


def classify(shell, cmd, known_dirs):
    """Mkdtemp, Chmod (of paths in known_dirs), Remove (of a dir in known_dirs), or None."""
    if getattr(shell, 'SHELL_FAMILY', None) != 'sh':
        return None
    return _mkdtemp(shell, cmd) or _chmod(shell, cmd, known_dirs) or _remove(shell, cmd, known_dirs)


def _mkdtemp(shell, cmd):
    if 'mkdir' not in cmd:
        return None
    m = _MKDTEMP_PARTS.search(cmd)
    if not m:
        return None
    basetmpdir, basefile = m.group(1), m.group(2)
    if not _PLAIN_PATH.match(basetmpdir) or not _PLAIN_NAME.match(basefile):
        return None
    for system in (False, True):
        try:
            rebuilt = shell.mkdtemp(basefile=basefile, system=system, tmpdir=basetmpdir)
        except Exception:
            continue
        if rebuilt == cmd:
            basetmp = shell.join_path(basetmpdir, basefile)
            if not _PLAIN_PATH.match(basetmp):
                return None
            return Mkdtemp(cmd, shell.join_path(basetmp, ''), ('%s=%s\n' % (basefile, basetmp)).encode('utf-8'))
    return None


def _inside(path, dirs):
    return any(path == d or path == d.rstrip('/') or path.startswith(d.rstrip('/') + '/') for d in dirs)


def _chmod(shell, cmd, known_dirs):
    if not cmd.startswith('chmod ') or not known_dirs:
        return None
    tokens = _split(cmd)
    if not tokens or len(tokens) < 3 or not _CHMOD_MODE.match(tokens[1]):
        return None
    paths = tokens[2:]
    if not all(_inside(p, known_dirs) and '..' not in p.split('/') for p in paths):
        return None
    if shell.chmod(paths, tokens[1]) != cmd:
        return None
    return Chmod(cmd, paths)


def _remove(shell, cmd, known_dirs):
    if not cmd.startswith('rm -f -r ') or not known_dirs:
        return None
    tokens = _split(cmd)
    if not tokens or len(tokens) < 4:
        return None
    path = tokens[3]
    if path not in known_dirs and path + '/' not in known_dirs:
        return None
    if shell.remove(path, recurse=True) != cmd:
        return None
    return Remove(cmd, path)


class TaskDeferral(object):
    """The deferred commands and unconfirmed file transfers of one connection plugin instance (one task)."""

    def __init__(self):
        self.pending = []        # Mkdtemp / Chmod objects not sent yet, in order
        self.dirs = []           # temp dirs this instance predicted (sent or not)
        self.put_tokens = []     # engine tokens of files sent without waiting for the reply

    def take(self):
        """(pre commands, after tokens) for the next request; both are then its to carry."""
        pre = [c.cmd for c in self.pending]
        after = list(self.put_tokens)
        self.pending = []
        self.put_tokens = []
        return pre, after

    def mentions_dir(self, text):
        return any(d.rstrip('/') in text for d in self.dirs)

    def drop_unsent(self, path):
        """True (and nothing pending any more) if `path` never reached the target: its mkdtemp and every
        command after it are still pending and all about that dir, so none of them need to run at all."""
        d = path.rstrip('/') + '/'
        if not self.pending or not isinstance(self.pending[0], Mkdtemp) or self.pending[0].path != d:
            return False
        if not all(isinstance(c, Mkdtemp) and c.path == d or isinstance(c, Chmod) and all(
                _inside(p, [d]) for p in c.paths) for c in self.pending[1:]):
            return False
        self.pending = []
        return True
