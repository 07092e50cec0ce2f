# Copyright the ansible-mitogen-for-Jenkins authors.
"""Reads the AnsiballZ wrapper that ansible-core pipes to the target's Python.

The wrapper is a private format of ansible-core. Each known layout is
recognised by its features (never by the ansible-core version); anything
else returns None and the caller runs the payload exactly as stock does
(plain pipelined exec).

* "runpy" layout (ansible-core 2.14 .. 2.18: module_common.ANSIBALLZ_TEMPLATE):
  the ZIPDATA triple-quoted string, `ANSIBALLZ_PARAMS = '<json>'`, the module run by
  `runpy.run_module(mod_name='<fqn>', ...)` after `basic._ANSIBLE_ARGS = json_params`.
* "loader" layout (ansible-core 2.19+: ansible/_internal/_ansiballz/_wrapper.py):
  `_ansiballz_main(zip_data=..., ansible_module=..., module_fqn=..., params=...,
  profile=..., date_time=..., extensions=..., rlimit_nofile=...)` at the end, the
  module run by `ansible.module_utils._internal._ansiballz._loader.run_module`.
"""
from __future__ import absolute_import, division, print_function

import ast
import base64
import binascii
import hashlib
import re

_WRAPPER_MARK = b'_ANSIBALLZ_WRAPPER = True'

_RUNPY_ZIP = re.compile(br'^\s*ZIPDATA = """([A-Za-z0-9+/=]*)"""\s*$', re.M)
_RUNPY_PARAMS = re.compile(br'^\s*ANSIBALLZ_PARAMS = (\'.*\'|".*")$', re.M)
_RUNPY_FQN = re.compile(br"runpy\.run_module\(mod_name='([A-Za-z0-9_.]+)', init_globals=dict\(")
_RUNPY_ARGS_HOOK = b'basic._ANSIBLE_ARGS = json_params'
_RUNPY_MODULE = re.compile(br"tempfile\.mkdtemp\(prefix='ansible_([A-Za-z0-9_.]+)_payload_'\)")
_RUNPY_RLIMIT = re.compile(br'requested_soft = min\(existing_hard, (\d+)\)')

_LOADER_CALL = re.compile(br'\nif __name__ == "__main__":\n    _ansiballz_main\(\n', re.M)
_LOADER_RUNNER = b'_loader.run_module('
_LOADER_FIELDS = ('zip_data', 'ansible_module', 'module_fqn', 'params', 'profile', 'extensions', 'rlimit_nofile')

# Coverage collection (ansible-test) adds code around the run that we would not reproduce.
_UNSUPPORTED_MARKS = (b'import coverage', b'COVERAGE_FILE')


class ModulePayload(object):
    """What the engine needs to run one AnsiballZ module in a persistent interpreter."""

    def __init__(self, style, fqn, zip_b64, params, ansible_module=None, profile=None,
                 extensions=None, rlimit_nofile=0):
        self.style = style
        self.fqn = fqn
        self.zip_b64 = zip_b64
        self.params = params
        self.ansible_module = ansible_module
        self.profile = profile
        self.extensions = extensions or {}
        self.rlimit_nofile = rlimit_nofile
        self.zip_sha1 = hashlib.sha1(base64.b64decode(zip_b64)).hexdigest()

    def to_request(self, interpreter, isolation, env, cwd=None):
        module = {
            'interpreter': interpreter,
            'fqn': self.fqn,
            'zip_b64': self.zip_b64,
            'zip_sha1': self.zip_sha1,
            'params': self.params,
            'isolation': isolation,
            'env': env,
            'runner': self.style,
        }
        if cwd:
            module['cwd'] = cwd
        if self.ansible_module:
            module['ansible_module'] = self.ansible_module
        if self.rlimit_nofile:
            module['rlimit_nofile'] = self.rlimit_nofile
        if self.style == 'loader':
            module['profile'] = self.profile
            module['extensions'] = self.extensions
        return module


def _valid_b64(text):
    try:
        base64.b64decode(text, validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


def _parse_runpy(data):
    if _RUNPY_ARGS_HOOK not in data:
        return None
    zips = _RUNPY_ZIP.findall(data)
    params = _RUNPY_PARAMS.findall(data)
    fqns = set(_RUNPY_FQN.findall(data))
    if len(zips) != 1 or len(params) != 1 or len(fqns) != 1:
        return None
    try:
        params_text = ast.literal_eval(params[0].decode('utf-8'))
    except (ValueError, SyntaxError, UnicodeDecodeError):
        return None
    if not isinstance(params_text, str):
        return None
    zip_b64 = zips[0].decode('ascii')
    if not _valid_b64(zip_b64):
        return None
    module = _RUNPY_MODULE.search(data)
    rlimit = _RUNPY_RLIMIT.search(data)
    return ModulePayload('runpy', fqns.pop().decode('ascii'), zip_b64, params_text,
                         ansible_module=module.group(1).decode('ascii') if module else None,
                         rlimit_nofile=int(rlimit.group(1)) if rlimit else 0)


def _literal_keywords(call):
    """Keyword arguments of a call whose values are literals; others (date_time) are skipped."""
    values = {}
    for kw in call.keywords:
        try:
            values[kw.arg] = ast.literal_eval(kw.value)
        except ValueError:
            continue
    return values


def _parse_loader(data):
    if _LOADER_RUNNER not in data:
        return None
    calls = list(_LOADER_CALL.finditer(data))
    if len(calls) != 1:
        return None
    tail = data[calls[0].start():]
    try:
        tree = ast.parse(tail.decode('utf-8'))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return None
    # The tail is exactly: if __name__ == "__main__": _ansiballz_main(k=v, ...)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.If) or len(tree.body[0].body) != 1:
        return None
    stmt = tree.body[0].body[0]
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == '_ansiballz_main'):
        return None
    kw = _literal_keywords(stmt.value)
    if any(f not in kw for f in _LOADER_FIELDS):
        return None
    if not (isinstance(kw['zip_data'], str) and isinstance(kw['params'], str)
            and isinstance(kw['module_fqn'], str) and isinstance(kw['extensions'], dict)):
        return None
    if kw['extensions']:
        # Debugger/coverage extensions: keep stock behaviour.
        return None
    if not _valid_b64(kw['zip_data']):
        return None
    return ModulePayload('loader', kw['module_fqn'], kw['zip_data'], kw['params'],
                         ansible_module=kw['ansible_module'], profile=kw['profile'],
                         extensions=kw['extensions'], rlimit_nofile=int(kw['rlimit_nofile'] or 0))


def parse(data):
    """Return a ModulePayload for a recognised AnsiballZ wrapper, else None."""
    if not isinstance(data, bytes):
        data = data.encode('utf-8')
    if _WRAPPER_MARK not in data:
        return None
    if any(m in data for m in _UNSUPPORTED_MARKS):
        return None
    return _parse_runpy(data) or _parse_loader(data)
