# Copyright the ansible-mitogen-for-Jenkins authors.
"""Module dependency scans that parse each module_utils source once per run, not once per module.

To build a module's AnsiballZ payload, ansible-core's `recursive_finder` (executor/module_common.py) parses the
module and every module_utils file it imports, transitively, with `compile(source, ..., ast.PyCF_ONLY_AST)`, and
walks the trees for imports. It does so once per distinct module per run (the payload is then cached in the run's
local temp dir), but the module_utils most modules share (`basic` alone is 86 KB and took 75 ms to parse here) are
parsed again for each of them: in a play using `file`, `stat` and `copy`, a fifth of the controller's samples sat in
those parses (py-spy, ansible-core 2.14).

This puts a `compile` in module_common's globals that keeps the trees of those parses, keyed by the exact source
bytes and file name, so the same text is parsed once. Only AST-only parses in `exec` mode are kept, and only up to
`MAX_SOURCE_BYTES` of source (a tree takes ~28 times its source in memory; ansible-core's whole module_utils is
817 KB); beyond that the oldest are dropped. The trees are only read by `ModuleDepFinder` (an `ast.NodeVisitor`),
so sharing one between scans, or between thread workers, changes nothing. Anything else goes to the builtin.
"""
from __future__ import absolute_import, division, print_function

import ast
import builtins
import collections
import threading

MAX_SOURCE_BYTES = 2 * 1024 * 1024


class TreeCache(object):
    """Parse trees by (source, file name), least recently used dropped past `max_bytes` of source."""

    def __init__(self, max_bytes=MAX_SOURCE_BYTES, parse=None):
        self.max_bytes = max_bytes
        self.parse = parse or builtins.compile
        self.lock = threading.Lock()
        self.trees = collections.OrderedDict()
        self.size = 0
        self.parses = 0

    def compile(self, source, filename, mode, flags=0, dont_inherit=False, optimize=-1):
        if mode != 'exec' or flags != ast.PyCF_ONLY_AST or not isinstance(source, (bytes, str)):
            return self.parse(source, filename, mode, flags, dont_inherit, optimize)
        key = (source, filename)
        with self.lock:
            tree = self.trees.get(key)
            if tree is not None:
                self.trees.move_to_end(key)
                return tree
        tree = self.parse(source, filename, mode, flags, dont_inherit, optimize)
        with self.lock:
            self.parses += 1
            if key not in self.trees and len(source) <= self.max_bytes:
                self.trees[key] = tree
                self.size += len(source)
                while self.size > self.max_bytes:
                    (old, _), _ = self.trees.popitem(last=False)
                    self.size -= len(old)
        return tree


def install(note=None):
    """Puts the caching compile into ansible.executor.module_common (idempotent); returns the cache."""
    import ansible.executor.module_common as module_common
    current = module_common.__dict__.get('compile')
    if isinstance(getattr(current, '__self__', None), TreeCache):
        return current.__self__
    cache = TreeCache()
    module_common.compile = cache.compile
    if note is not None:
        note('ansible-mitogen: module_utils parse trees kept for the run')
    return cache
