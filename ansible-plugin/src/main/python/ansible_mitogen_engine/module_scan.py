# Copyright the ansible-mitogen-for-Jenkins authors.
"""Module dependency scans that parse a module_utils source once, not once per module and run.

To build a module's AnsiballZ payload, ansible-core's `recursive_finder` (executor/module_common.py) parses the
module and every module_utils file it imports, transitively, with `compile(source, ..., ast.PyCF_ONLY_AST)`, and
has `ModuleDepFinder` walk each tree for imports. It does so once per distinct module per run (the payload is then
cached in the run's local temp dir), and again in every run: `basic` alone is 86 KB and took 75 ms to parse here,
and a first module's scan parses ~30 files.

What the finder takes from a tree, the imports of ansible.module_utils and collections' module_utils (and which of
them sit in a try block), depends only on the source, the module's dotted name and whether it is a package
`__init__`. `ImportCache` keeps those results by the sha1 of the exact source, in memory and in a file between runs
(`~/.cache/ansible-mitogen`, one per ansible-core and Python version). ansible-core still locates, reads and zips
every file itself, so the payloads are byte for byte stock's. A source whose digest is not known yet is parsed
where stock parses it, so a syntax error fails the same way; a known one gets a `LazyTree`, parsed only if
something other than the finder reads it (2.19 reads a module's METADATA from its tree when that is turned on).

With the file in place, a run no longer parses (~0.07 s for a first module on 2.14) nor sets off the full garbage
collection that the objects of those trees brought on (~0.08 s). No tree is kept between scans either: this module
kept them for the run before (each is ~28 times its source in memory), and every later full collection walked
them. Alternating runs (controller CPU): cmd100 2.85 s before, 2.80 s now without the file, 2.57 s with it;
copy-template 3.35, 2.98 and 2.86 s.

Anything unreadable in the file is ignored; where it cannot be written the results last for the run.
"""
from __future__ import absolute_import, division, print_function

import ast
import builtins
import hashlib
import inspect
import json
import os
import sys
import tempfile
import threading


class LazyTree(object):
    """The parse tree of a source whose imports are known: parsed only if something other than the finder reads it."""

    def __init__(self, source, filename, digest, parse):
        self.source = source
        self.filename = filename
        self.digest = digest
        self._parse = parse
        self._tree = None

    def tree(self):
        if self._tree is None:
            self._tree = self._parse(self.source, self.filename)
        return self._tree

    def __getattr__(self, name):
        return getattr(self.tree(), name)


class _Found(object):
    """The two sets of ModuleDepFinder's that recursive_finder reads, from the cache (it never changes them)."""

    def __init__(self, found):
        self.submodules, self.optional_imports = found


class ImportCache(object):
    """ModuleDepFinder's results by (sha1 of the source, dotted name, package init), kept in `path` between runs."""

    FORMAT = 1
    MAX_ENTRIES = 5000

    def __init__(self, path, stock_finder, builtin_compile=builtins.compile):
        self.path = path
        self.stock_finder = stock_finder
        self._compile = builtin_compile
        self.parses = 0
        self.lock = threading.Lock()
        self.entries = {}
        self.digests = set()
        self.added = {}
        self.hits = 0
        self.misses = 0
        for key, value in self._read().items():
            self._keep(key, value)

    @staticmethod
    def digest(source):
        if isinstance(source, str):
            source = source.encode('utf-8', 'surrogateescape')
        return hashlib.sha1(source).hexdigest()

    def compile(self, source, filename, mode, flags=0, dont_inherit=False, optimize=-1):
        if mode != 'exec' or flags != ast.PyCF_ONLY_AST or not isinstance(source, (bytes, str)):
            return self._compile(source, filename, mode, flags, dont_inherit, optimize)
        digest = self.digest(source)
        lazy = LazyTree(source, filename, digest, self.parse)
        with self.lock:
            known = digest in self.digests
        if not known:
            lazy.tree()  # parsed here, as stock does, so that a syntax error is raised where stock raises it
        return lazy

    def parse(self, source, filename):
        tree = self._compile(source, filename, 'exec', ast.PyCF_ONLY_AST)
        with self.lock:
            self.parses += 1
        return tree

    def lookup(self, tree, module_fqn, is_pkg_init):
        """A _Found for a known source, else None."""
        with self.lock:
            found = self.entries.get(self._key(tree, module_fqn, is_pkg_init))
            if found is None:
                return None
            self.hits += 1
        return _Found(found)

    def record(self, tree, module_fqn, is_pkg_init, finder):
        value = [sorted(list(m) for m in finder.submodules), sorted(list(m) for m in finder.optional_imports)]
        key = self._key(tree, module_fqn, is_pkg_init)
        with self.lock:
            self.misses += 1
            self._keep(key, value)
            self.added[key] = value

    @staticmethod
    def _key(tree, module_fqn, is_pkg_init):
        return '%s %s %d' % (tree.digest, module_fqn, 1 if is_pkg_init else 0)

    def finder_class(self):
        """A stand-in for ModuleDepFinder: calling it gives the cached results, or runs stock's finder and keeps them.

        Stock's __init__ calls `super(ModuleDepFinder, self)` with the name looked up in module_common, which is
        then this stand-in, so the finder that really scans is a subclass of both: stock's class first (its visit
        methods, its __init__), the stand-in next, whose parent is stock's own (ast.NodeVisitor).
        """
        cache = self
        stock = self.stock_finder

        class ModuleDepFinder(stock.__bases__[0]):
            def __new__(cls, module_fqn, tree, is_pkg_init=False, *args, **kwargs):
                if isinstance(tree, LazyTree) and not args and not kwargs:
                    found = cache.lookup(tree, module_fqn, is_pkg_init)
                    if found is not None:
                        return found
                return object.__new__(Scanning)

        class Scanning(stock, ModuleDepFinder):
            def __init__(self, module_fqn, tree, is_pkg_init=False, *args, **kwargs):
                lazy = tree if isinstance(tree, LazyTree) else None
                stock.__init__(self, module_fqn, lazy.tree() if lazy else tree, is_pkg_init, *args, **kwargs)
                if lazy is not None and not args and not kwargs:
                    cache.record(lazy, module_fqn, is_pkg_init, self)

        ModuleDepFinder.__doc__ = stock.__doc__
        ModuleDepFinder._ansible_mitogen_stock = stock
        return ModuleDepFinder

    def recursive_finder(self, original):
        """recursive_finder, then what it found new written out (once per module scan, not per file)."""
        def recursive_finder(*args, **kwargs):
            try:
                return original(*args, **kwargs)
            finally:
                self.save()
        recursive_finder._ansible_mitogen_stock = original
        return recursive_finder

    def _keep(self, key, value):
        self.entries[key] = (frozenset(tuple(m) for m in value[0]), frozenset(tuple(m) for m in value[1]))
        self.digests.add(key.split(' ', 1)[0])

    def _read(self):
        try:
            with open(self.path, 'r') as f:
                data = json.load(f)
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get('format') != self.FORMAT or not isinstance(data.get('entries'), dict):
            return {}
        good = {}
        for key, value in data['entries'].items():
            if _well_formed(key, value):
                good[key] = value
        return good

    def save(self):
        with self.lock:
            if not self.added:
                return
            added, self.added = self.added, {}
        # Others (parallel runs, forked workers) may have written since: merge, newest wins, bounded.
        entries = self._read()
        if len(entries) + len(added) > self.MAX_ENTRIES:
            entries = {}
        entries.update(added)
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix='.module-imports-', dir=directory)
            try:
                with os.fdopen(fd, 'w') as f:
                    json.dump({'format': self.FORMAT, 'entries': entries}, f, separators=(',', ':'))
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, ValueError, TypeError):
            pass  # a read-only or full home: the results still serve this run; a module build never fails here


def _well_formed(key, value):
    if not isinstance(key, str) or len(key.split(' ')) != 3:
        return False
    if not isinstance(value, list) or len(value) != 2:
        return False
    return all(isinstance(names, list) and all(isinstance(m, list) and m and all(isinstance(p, str) for p in m)
                                               for m in names) for names in value)


def default_cache_path():
    """~/.cache/ansible-mitogen/module-imports-<ansible-core>-py<X.Y>.json (XDG_CACHE_HOME honoured)."""
    from ansible.release import __version__
    root = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(root, 'ansible-mitogen', 'module-imports-%s-py%d.%d.json'
                        % (__version__, sys.version_info[0], sys.version_info[1]))


def _parameters(function):
    try:
        return tuple(p for p in inspect.signature(function).parameters if p != 'self')
    except (TypeError, ValueError):
        return ()


def finder_takes_a_tree(finder):
    """The stock ModuleDepFinder is built from a parsed tree (2.14 to 2.19), which the cache can stand in for."""
    return _parameters(finder.__init__)[:2] == ('module_fqn', 'tree')


def install(note=None, path=None):
    """Puts the caching compile, finder and recursive_finder into ansible.executor.module_common (idempotent);
    returns the ImportCache. `path`: the file kept between runs (default_cache_path())."""
    import ansible.executor.module_common as module_common
    current = module_common.__dict__.get('compile')
    if isinstance(getattr(current, '__self__', None), ImportCache):
        return current.__self__
    # stock's own, also where an earlier install's compile is gone but its other two are still in place
    finder = getattr(module_common.ModuleDepFinder, '_ansible_mitogen_stock', module_common.ModuleDepFinder)
    scan = getattr(module_common.recursive_finder, '_ansible_mitogen_stock', module_common.recursive_finder)
    if not finder_takes_a_tree(finder):
        # 2.22: ModuleDepFinder(module_fqn, module_data) parses the source itself; nothing to keep from outside.
        if note is not None:
            note('ansible-mitogen: module import scans not kept: ModuleDepFinder takes %s on this ansible-core, '
                 'not (module_fqn, tree, is_pkg_init) (checked on 2.14, 2.19); ansible-core scans as stock does'
                 % (_parameters(finder.__init__),))
        return None
    cache = ImportCache(path or default_cache_path(), finder)
    module_common.ModuleDepFinder = cache.finder_class()
    module_common.recursive_finder = cache.recursive_finder(scan)
    module_common.compile = cache.compile
    if note is not None:
        note('ansible-mitogen: module_utils import scans kept in %s' % cache.path)
    return cache
