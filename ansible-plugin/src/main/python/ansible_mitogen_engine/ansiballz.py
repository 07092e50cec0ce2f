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
  module run by `ansible.module_utils._internal._ansiballz._loader.run_module`; 2.22 adds
  `secrets=frozenset({...})` (the argument values the module's output must mask), which the runner takes too.
  An argument not listed here refuses the wrapper (plain exec): the runner would need it.
"""
from __future__ import absolute_import, division, print_function

import ast
import binascii
import hashlib
import re

_WRAPPER_MARK = b'_ANSIBALLZ_WRAPPER = True'
_B64_CHARS = b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='

# The ZIP is most of the wrapper (100-200 KB): find it with bytes.find and run the regular expressions on
# the rest only, so that reading a wrapper costs about a millisecond.
_RUNPY_ZIP_START = b'ZIPDATA = """'
# Starts with its literal so that the regular expression engine scans for it instead of trying every line;
# _params() checks that only blanks precede it on its line.
_RUNPY_PARAMS = re.compile(br'ANSIBALLZ_PARAMS = (\'.*\'|".*")$', re.M)
_RUNPY_FQN = re.compile(br"runpy\.run_module\(mod_name='([A-Za-z0-9_.]+)', init_globals=dict\(")
_RUNPY_ARGS_HOOK = b'basic._ANSIBLE_ARGS = json_params'
_RUNPY_MODULE = re.compile(br"tempfile\.mkdtemp\(prefix='ansible_([A-Za-z0-9_.]+)_payload_'\)")
_RUNPY_RLIMIT = re.compile(br'requested_soft = min\(existing_hard, (\d+)\)')

_LOADER_CALL = b'\nif __name__ == "__main__":\n    _ansiballz_main(\n'
_LOADER_RUNNER = b'_loader.run_module('
_LOADER_ARG = re.compile(br'^([a-z_]+)=(.*),$')
_LOADER_FIELDS = ('zip_data', 'ansible_module', 'module_fqn', 'params', 'profile', 'extensions', 'rlimit_nofile')
# Arguments of _ansiballz_main that only the wrapper itself uses (the ZIP's timestamps).
_LOADER_WRAPPER_ONLY = ('date_time',)
# Arguments that only some releases pass (2.22: secrets); passed on to run_module when present.
_LOADER_OPTIONAL = ('secrets',)

# Coverage collection (ansible-test) adds code around the run that we would not reproduce.
_UNSUPPORTED_MARKS = (b'import coverage', b'COVERAGE_FILE')


def _is_b64(data):
    return bool(data) and not data.translate(None, _B64_CHARS) and len(data) % 4 == 0


# ZIPs seen in this process: base64 bytes -> (the same as text, SHA-1 of the ZIP). ansible-core packs a module
# once and reads the same ZIP back from its ansiballz cache for every task that runs it, so checking, decoding
# and digesting it each time (~0.5 ms of a ~0.9 ms parse, on the controller's main loop) is done once instead.
# Keyed by content, never by module name: a module edited mid-run gives new bytes and a new entry.
_ZIPS = {}
_ZIPS_MAX = 32


def _zip_fields(zip_b64):
    """(text, sha1) of a base64 ZIP, None if it is not base64."""
    hit = _ZIPS.get(zip_b64)
    if hit is None:
        if not _is_b64(zip_b64):
            return None
        hit = (zip_b64.decode('ascii'), hashlib.sha1(binascii.a2b_base64(zip_b64)).hexdigest())
        if len(_ZIPS) >= _ZIPS_MAX:
            _ZIPS.clear()  # a run with this many distinct modules pays the digests again, nothing worse
        _ZIPS[zip_b64] = hit
    return hit


def _params(rest):
    """The literals assigned to ANSIBALLZ_PARAMS at the start of a line (only blanks before it)."""
    found = []
    for m in _RUNPY_PARAMS.finditer(rest):
        line_start = rest.rfind(b'\n', 0, m.start()) + 1
        if not rest[line_start:m.start()].strip():
            found.append(m.group(1))
    return found


class ModulePayload(object):
    """What the engine needs to run one AnsiballZ module in a persistent interpreter."""

    def __init__(self, style, fqn, zip_b64, params, ansible_module=None, profile=None,
                 extensions=None, rlimit_nofile=0, zip_sha1=None, secrets=None):
        self.style = style
        # None: the wrapper passes no secrets (before 2.22); a list (maybe empty): run_module takes them.
        self.secrets = secrets
        self.fqn = fqn
        self.zip_b64 = zip_b64
        self.params = params
        self.ansible_module = ansible_module
        self.profile = profile
        self.extensions = extensions or {}
        self.rlimit_nofile = rlimit_nofile
        self.zip_sha1 = zip_sha1 or hashlib.sha1(binascii.a2b_base64(zip_b64)).hexdigest()

    def to_request(self, interpreter, isolation, env, cwd=None, with_zip=True):
        """The protocol's `module` object; without the ZIP (with_zip=False) for an engine that may hold it."""
        module = {
            'interpreter': interpreter,
            'fqn': self.fqn,
            'zip_sha1': self.zip_sha1,
            'params': self.params,
            'isolation': isolation,
            'env': env,
            'runner': self.style,
        }
        if with_zip:
            module['zip_b64'] = self.zip_b64
        if cwd:
            module['cwd'] = cwd
        if self.ansible_module:
            module['ansible_module'] = self.ansible_module
        if self.rlimit_nofile:
            module['rlimit_nofile'] = self.rlimit_nofile
        if self.style == 'loader':
            module['profile'] = self.profile
            module['extensions'] = self.extensions
            if self.secrets is not None:
                module['secrets'] = self.secrets
        return module

    @property
    def engine_feature(self):
        """What the engine's hello must list for it to run this payload as exec_module."""
        if self.secrets is not None:
            return 'module_runner_loader_secrets'
        return 'module_runner_' + self.style


def _parse_runpy(data):
    start = data.find(_RUNPY_ZIP_START)
    if start < 0 or _RUNPY_ARGS_HOOK not in data:
        return None
    line_start = data.rfind(b'\n', 0, start) + 1
    if data[line_start:start].strip():
        return None
    zip_start = start + len(_RUNPY_ZIP_START)
    zip_end = data.find(b'"""', zip_start)
    if zip_end < 0 or data.find(_RUNPY_ZIP_START, zip_end) >= 0:
        return None
    zip_fields = _zip_fields(data[zip_start:zip_end])
    if zip_fields is None:
        return None
    rest = data[:line_start] + data[zip_end + 3:]
    if any(m in rest for m in _UNSUPPORTED_MARKS):
        return None
    params = _params(rest)
    fqns = set(_RUNPY_FQN.findall(rest))
    if len(params) != 1 or len(fqns) != 1:
        return None
    try:
        params_text = ast.literal_eval(params[0].decode('utf-8'))
    except (ValueError, SyntaxError, UnicodeDecodeError):
        return None
    if not isinstance(params_text, str):
        return None
    module = _RUNPY_MODULE.search(rest)
    rlimit = _RUNPY_RLIMIT.search(rest)
    return ModulePayload('runpy', fqns.pop().decode('ascii'), zip_fields[0], params_text,
                         ansible_module=module.group(1).decode('ascii') if module else None,
                         rlimit_nofile=int(rlimit.group(1)) if rlimit else 0, zip_sha1=zip_fields[1])


def _frozenset_of_text(text):
    """The strings of `frozenset()` / `frozenset({'a', ...})` as repr() writes them, else ValueError."""
    tree = ast.parse(text.decode('utf-8'), mode='eval').body
    if not (isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id == 'frozenset'
            and not tree.keywords and len(tree.args) <= 1):
        raise ValueError('not a frozenset')
    items = ast.literal_eval(tree.args[0]) if tree.args else set()
    if not isinstance(items, set) or not all(isinstance(i, str) for i in items):
        raise ValueError('not a set of strings')
    return sorted(items)


def _loader_value(name, text):
    if name == 'secrets':
        return _frozenset_of_text(text)
    if name == 'zip_data':
        # A plain repr() of base64: no escapes to undo, and literal_eval of 200 KB would cost more.
        if len(text) >= 2 and text[:1] == text[-1:] == b"'":
            return _zip_fields(text[1:-1])
        return None
    return ast.literal_eval(text.decode('utf-8'))


def _parse_loader(data):
    call = data.rfind(_LOADER_CALL)
    if call < 0 or _LOADER_RUNNER not in data or data.count(_LOADER_CALL) != 1:
        return None
    lines = data[call + len(_LOADER_CALL):].split(b'\n')
    # The call is: one `key=repr(value),` per line, then `)`.
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or lines[-1].strip() != b')':
        return None
    kw = {}
    for line in lines[:-1]:
        m = _LOADER_ARG.match(line)
        if not m:
            return None
        name = m.group(1).decode('ascii')
        if name in _LOADER_WRAPPER_ONLY:
            continue  # date_time is a datetime(...) call; nothing else we need
        if name not in _LOADER_FIELDS and name not in _LOADER_OPTIONAL:
            return None  # a new argument the runner would need: run the wrapper as stock does
        try:
            kw[name] = _loader_value(name, m.group(2))
        except (ValueError, SyntaxError, UnicodeDecodeError):
            return None
    if any(kw.get(f) is None for f in _LOADER_FIELDS if f != 'rlimit_nofile'):
        return None
    if not (isinstance(kw['params'], str) and isinstance(kw['module_fqn'], str)
            and isinstance(kw['extensions'], dict)):
        return None
    if kw['extensions']:
        # Debugger/coverage extensions: keep stock behaviour.
        return None
    return ModulePayload('loader', kw['module_fqn'], kw['zip_data'][0], kw['params'],
                         ansible_module=kw['ansible_module'], profile=kw['profile'],
                         extensions=kw['extensions'], rlimit_nofile=int(kw.get('rlimit_nofile') or 0),
                         zip_sha1=kw['zip_data'][1], secrets=kw.get('secrets'))


def parse(data):
    """Return a ModulePayload for a recognised AnsiballZ wrapper, else None."""
    if not isinstance(data, bytes):
        data = data.encode('utf-8')
    if _WRAPPER_MARK not in data[:4096]:
        return None
    return _parse_runpy(data) or _parse_loader(data)
