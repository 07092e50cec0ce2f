"""module_scan.py: parse trees of module_utils kept for the run, and the payloads ansible-core builds with them."""
import ast
import io
import unittest
import zipfile

import testlib  # noqa: F401  (puts the plugin on sys.path)

from ansible_mitogen_engine import module_scan


class TreeCacheTest(unittest.TestCase):

    def test_the_same_source_is_parsed_once(self):
        cache = module_scan.TreeCache()
        a = cache.compile(b'import os\nx = 1\n', '<unknown>', 'exec', ast.PyCF_ONLY_AST)
        b = cache.compile(b'import os\nx = 1\n', '<unknown>', 'exec', ast.PyCF_ONLY_AST)
        self.assertIs(a, b)
        self.assertEqual(cache.parses, 1)
        cache.compile(b'import os\nx = 1\n', 'other.py', 'exec', ast.PyCF_ONLY_AST)
        cache.compile(b'import os\nx = 2\n', '<unknown>', 'exec', ast.PyCF_ONLY_AST)
        self.assertEqual(cache.parses, 3)
        # not an AST-only parse: the builtin, every time, nothing kept
        code = cache.compile('y = 3', '<s>', 'exec')
        self.assertEqual(type(code).__name__, 'code')
        self.assertEqual(len(cache.trees), 3)
        with self.assertRaises(SyntaxError):
            cache.compile(b'def (', '<unknown>', 'exec', ast.PyCF_ONLY_AST)

    def test_oldest_trees_go_past_the_size_limit(self):
        cache = module_scan.TreeCache(max_bytes=100)
        sources = [('x%d = 1\n' % i).encode() * 5 for i in range(10)]  # ~35 bytes each
        for s in sources:
            cache.compile(s, '<unknown>', 'exec', ast.PyCF_ONLY_AST)
        self.assertLessEqual(cache.size, 100)
        self.assertEqual(len(cache.trees), 2)
        cache.compile(sources[-1], '<unknown>', 'exec', ast.PyCF_ONLY_AST)
        self.assertEqual(cache.parses, 10)  # the newest is still kept
        cache.compile(sources[0], '<unknown>', 'exec', ast.PyCF_ONLY_AST)
        self.assertEqual(cache.parses, 11)  # the oldest was dropped


class RecursiveFinderTest(unittest.TestCase):
    """ansible-core's own recursive_finder, with and without the kept trees: the same payload entries."""

    def _payload(self, name):
        from ansible.executor import module_common
        from ansible.plugins.loader import module_loader
        path = module_loader.find_plugin(name)
        with open(path, 'rb') as f:
            data = f.read()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, 'w') as zf:
            module_common.recursive_finder(name, 'ansible.modules.' + name, data, zf)
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
            return sorted((i.filename, zf.read(i.filename)) for i in zf.infolist())

    def test_same_payloads_with_each_shared_module_util_parsed_once(self):
        from ansible.executor import module_common
        saved = module_common.__dict__.get('compile')
        try:
            module_common.__dict__.pop('compile', None)
            stock = [self._payload(n) for n in ('stat', 'copy', 'file')]
            cache = module_scan.install()
            self.assertIs(module_scan.install(), cache, 'installing twice keeps the first')
            ours = [self._payload(n) for n in ('stat', 'copy', 'file')]
            self.assertEqual(stock, ours)
            first = cache.parses
            self._payload('stat')
            self.assertEqual(cache.parses, first, 'a second scan of the same module parses nothing')
            distinct = set(name for payload in ours for name, _ in payload)
            self.assertLess(first, sum(len(p) for p in ours), 'shared module_utils were parsed once')
            self.assertGreater(len(distinct), 20)
        finally:
            if saved is None:
                module_common.__dict__.pop('compile', None)
            else:
                module_common.compile = saved


if __name__ == '__main__':
    unittest.main()
