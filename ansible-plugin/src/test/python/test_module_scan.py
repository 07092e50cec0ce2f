"""module_scan.py: import scans kept between runs, and the payloads ansible-core builds with them."""
import ast
import io
import json
import os
import shutil
import tempfile
import unittest
import zipfile

import testlib  # noqa: F401  (puts the plugin on sys.path)

from ansible_mitogen_engine import module_scan


class _Patched(object):
    """module_common's compile, ModuleDepFinder and recursive_finder as stock has them, restored afterwards."""

    NAMES = ('compile', 'ModuleDepFinder', 'recursive_finder')

    def __init__(self, test):
        from ansible.executor import module_common
        self.mc = module_common
        self.saved = {n: module_common.__dict__.get(n) for n in self.NAMES}
        test.addCleanup(self.restore)
        module_common.__dict__.pop('compile', None)

    def stock(self):
        self.restore()
        self.mc.__dict__.pop('compile', None)

    def restore(self):
        for n, v in self.saved.items():
            if v is None:
                self.mc.__dict__.pop(n, None)
            else:
                setattr(self.mc, n, v)


def _payload(name, data=None):
    from ansible.executor import module_common
    from ansible.plugins.loader import module_loader
    if data is None:
        with open(module_loader.find_plugin(name), 'rb') as f:
            data = f.read()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as zf:
        module_common.recursive_finder(name, 'ansible.modules.' + name, data, zf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        return sorted((i.filename, zf.read(i.filename)) for i in zf.infolist())


class RecursiveFinderTest(unittest.TestCase):
    """ansible-core's own recursive_finder, with and without what module_scan keeps: the same payload entries."""

    MODULES = ('stat', 'copy', 'file')

    def setUp(self):
        self.patched = _Patched(self)
        self.dir = tempfile.mkdtemp(prefix='module-scan-')
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.path = os.path.join(self.dir, 'cache', 'imports.json')

    def test_same_payloads_with_each_shared_module_util_parsed_once(self):
        stock = [_payload(n) for n in self.MODULES]
        cache = module_scan.install(path=self.path)
        self.assertIs(module_scan.install(path=self.path), cache, 'installing twice keeps the first')
        ours = [_payload(n) for n in self.MODULES]
        self.assertEqual(stock, ours)
        first = cache.parses
        _payload('stat')
        self.assertEqual(cache.parses, first, 'a second scan of the same module parses nothing')
        distinct = set(name for payload in ours for name, _ in payload)
        self.assertLess(first, sum(len(p) for p in ours), 'shared module_utils were parsed once')
        self.assertGreater(len(distinct), 20)

    def test_a_later_run_parses_nothing_it_has_seen_and_builds_the_same_payloads(self):
        stock = [_payload(n) for n in self.MODULES]
        first = module_scan.install(path=self.path)
        cold = [_payload(n) for n in self.MODULES]
        self.assertGreater(first.misses, 20)
        self.assertTrue(os.path.isfile(self.path), 'the finder results were written out')
        # a new run: nothing in memory, the file from the first
        self.patched.stock()
        second = module_scan.install(path=self.path)
        self.assertIsNot(second, first)
        warm = [_payload(n) for n in self.MODULES]
        self.assertEqual(stock, cold)
        self.assertEqual(stock, warm)
        self.assertEqual(second.parses, 0, 'every source was known from the file')
        self.assertEqual(second.misses, 0)
        self.assertEqual(second.hits, first.hits + first.misses, 'every scan of the first run, now from the file')

    def test_a_changed_module_util_is_scanned_again(self):
        module_scan.install(path=self.path)
        base = _payload('ping', b'from ansible.module_utils.basic import AnsibleModule\n')
        self.patched.stock()
        cache = module_scan.install(path=self.path)
        # the same name, new text that imports one more module_util: found, not taken from the file
        changed = _payload('ping', b'from ansible.module_utils.basic import AnsibleModule\n'
                                   b'from ansible.module_utils.urls import fetch_url\n')
        self.assertGreaterEqual(cache.misses, 2, 'the new text, urls.py and what only urls.py imports')
        names = set(n for n, _ in changed) - set(n for n, _ in base)
        self.assertIn('ansible/module_utils/urls.py', names)

    def test_a_syntax_error_fails_as_stock_fails_it_every_time(self):
        from ansible.errors import AnsibleError
        bad = b'from ansible.module_utils.basic import AnsibleModule\ndef (\n'
        with self.assertRaises(AnsibleError) as stock:
            _payload('broken', bad)
        module_scan.install(path=self.path)
        for _ in range(2):
            with self.assertRaises(AnsibleError) as ours:
                _payload('broken', bad)
            self.assertEqual(str(stock.exception), str(ours.exception))

    def test_an_unreadable_or_malformed_file_is_ignored_and_replaced(self):
        os.makedirs(os.path.dirname(self.path))
        for text in ('{not json', '[]', '{"format": 1, "entries": {"k": [[["x"]]]}}',
                     '{"format": 1, "entries": {"a b 0": [[[1]], []]}}'):
            with open(self.path, 'w') as f:
                f.write(text)
            self.patched.stock()
            cache = module_scan.install(path=self.path)
            self.assertEqual(cache.entries, {}, text)
        stock_ping = _payload('ping', b'from ansible.module_utils.basic import AnsibleModule\n')
        with open(self.path) as f:
            data = json.load(f)
        self.assertEqual(data['format'], module_scan.ImportCache.FORMAT)
        self.assertGreater(len(data['entries']), 20)
        self.assertTrue(stock_ping)

    def test_a_directory_that_cannot_be_written_only_loses_the_file(self):
        blocker = os.path.join(self.dir, 'not-a-dir')
        with open(blocker, 'w') as f:
            f.write('x')
        stock = _payload('stat')
        self.patched.stock()
        module_scan.install(path=os.path.join(blocker, 'imports.json'))
        self.assertEqual(stock, _payload('stat'))
        self.assertEqual(stock, _payload('stat'))


class LazyTreeTest(unittest.TestCase):

    def test_anything_but_the_finder_gets_the_parsed_tree(self):
        cache = module_scan.ImportCache(os.path.join(tempfile.gettempdir(), 'never-written-%d.json' % os.getpid()),
                                        ast.NodeVisitor)
        source = b'METADATA = "x"\n'
        cache.digests.add(cache.digest(source))  # as if a file had listed it
        tree = cache.compile(source, '<unknown>', 'exec', ast.PyCF_ONLY_AST)
        self.assertIsInstance(tree, module_scan.LazyTree)
        self.assertEqual(cache.parses, 0)
        self.assertEqual(tree.body[0].targets[0].id, 'METADATA')  # 2.19's metadata reader does this
        self.assertEqual(cache.parses, 1)


if __name__ == '__main__':
    unittest.main()
