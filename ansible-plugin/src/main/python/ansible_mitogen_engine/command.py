# Copyright the ansible-mitogen-for-Jenkins authors.
"""Takes apart the command line ActionBase hands to Connection.exec_command.

ActionBase._low_level_execute_command builds, in this order:
  1. the command (for a pipelined module: `[K=V ...] INTERPRETER`, from the shell
     plugin's build_module_command with an empty script path);
  2. if become applies: become.build_become_command(cmd, shell), which embeds
     `ECHO BECOME-SUCCESS-<id> COMMAND_SEP cmd` (shell-quoted, maybe several times);
  3. `cmd && sleep 0` and `EXECUTABLE -c quote(...)` when the connection allows an executable.
The engine does become itself (a child interpreter per become user) and runs
the module in a persistent interpreter, so we undo 3 and 2 and read 1. Every
step checks that re-building gives back the exact text, otherwise the caller
keeps the command as it is.
"""
from __future__ import absolute_import, division, print_function

import re
import shlex

_SLEEP_SUFFIX = ' && sleep 0'
_ENV_ASSIGNMENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*=')
_SHELL_SYNTAX = re.compile(r'[;&|<>`$()\\\n*?\[\]{}~#]')


class BecomeUnwrapError(Exception):
    """The command carries a become marker we could not take apart."""


def _split(text):
    try:
        return shlex.split(text)
    except ValueError:
        return None


# A word shlex.quote leaves as it is (its own test, for ASCII).
_SAFE_WORD = re.compile(r'^[\w@%+=:,./-]+$', re.ASCII)


def strip_executable(cmd):
    """`/bin/sh -c 'X && sleep 0'` -> ('/bin/sh', 'X'); anything else -> (None, cmd)."""
    executable, inner = _split_executable(cmd)
    if executable is not None and inner.endswith(_SLEEP_SUFFIX):
        inner = inner[:-len(_SLEEP_SUFFIX)]
    return executable, inner


def _split_executable(cmd):
    """`WORD -c QUOTED` -> (WORD, the unquoted text); anything else -> (None, cmd).

    Most commands are `WORD -c 'TEXT'` with no quote inside TEXT, read here without shlex: a shlex.split costs
    ~0.1 ms and every command of every task passes here (twice for modules). Anything else takes the shlex path;
    both give the same answer (test_command checks that over generated commands)."""
    head, sep, rest = cmd.partition(' -c ')
    if sep and _SAFE_WORD.match(head) and len(rest) >= 2 and rest[0] == "'" and rest[-1] == "'" \
            and "'" not in rest[1:-1]:
        inner = rest[1:-1]
        return (head, inner) if shlex.quote(inner) == rest else (None, cmd)
    return _split_executable_by_shlex(cmd)


def _split_executable_by_shlex(cmd):
    tokens = _split(cmd)
    if not tokens or len(tokens) != 3 or tokens[1] != '-c':
        return None, cmd
    executable, inner = tokens[0], tokens[2]
    if cmd != '%s -c %s' % (executable, shlex.quote(inner)):
        return None, cmd
    return executable, inner


def _find_success_token(text, prefix, success, depth=0):
    """Search shell words, recursively through quoted words, for one starting with prefix."""
    if depth > 4:
        return None
    tokens = _split(text)
    if tokens is None:
        return None
    for token in tokens:
        if token.startswith(prefix):
            return token[len(prefix):]
        if success in token and token != text:
            found = _find_success_token(token, prefix, success, depth + 1)
            if found is not None:
                return found
    return None


def strip_become(cmd, success, echo='echo', command_sep=';'):
    """Return the command the become plugin wrapped, or None when cmd holds no marker.

    Raises BecomeUnwrapError when the marker is there but not in the shape
    BecomeBase._build_success_command produces.
    """
    if not success or success not in cmd:
        return None
    prefix = '%s %s %s ' % (echo, success, command_sep)
    inner = _find_success_token(cmd, prefix, success)
    if inner is None:
        raise BecomeUnwrapError('cannot find "%s<command>" in the become command' % prefix)
    return inner


class InterpreterCommand(object):
    """`[K=V ...] INTERPRETER [ARGS]` with no other shell syntax."""

    def __init__(self, env, argv):
        self.env = env
        self.argv = argv

    @property
    def interpreter(self):
        return ' '.join(self.argv)


def parse_interpreter_command(cmd):
    tokens = _split(cmd)
    if not tokens:
        return None
    env = {}
    i = 0
    while i < len(tokens) and _ENV_ASSIGNMENT.match(tokens[i]):
        key, value = tokens[i].split('=', 1)
        env[key] = value
        i += 1
    argv = tokens[i:]
    if not argv or argv[0].startswith('-'):
        return None
    if any(_SHELL_SYNTAX.search(a) for a in argv):
        return None
    # The words must be plain: re-quoting gives the original text back (no hidden operators).
    rebuilt = ' '.join(['%s=%s' % (k, shlex.quote(v)) for k, v in env.items()] + [shlex.quote(a) for a in argv])
    if _split(rebuilt) != tokens:
        return None
    return InterpreterCommand(env, argv)
