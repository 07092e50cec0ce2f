"""ansiballz.parse against wrappers the installed ansible-core builds, and ones it must refuse."""
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import unittest
import zipfile

import testlib
from ansible_mitogen_engine import ansiballz

CHROOT = shutil.which('chroot') or '/usr/sbin/chroot'
TRIXIE_ROOT = os.environ.get('ANSIBLE_MITOGEN_TRIXIE_ROOT', '/work/cache/trixie')


def zip_names(payload):
    return zipfile.ZipFile(io.BytesIO(base64.b64decode(payload.zip_b64))).namelist()


class InstalledAnsibleWrappers(unittest.TestCase):

    def test_command_module(self):
        data = testlib.build_wrapper('command', {'_raw_params': 'hostname', 'chdir': '/tmp'})
        p = ansiballz.parse(data)
        self.assertIsNotNone(p, 'the installed ansible-core wrapper was not recognised')
        self.assertEqual(p.fqn, 'ansible.modules.command')
        self.assertEqual(json.loads(p.params), {'ANSIBLE_MODULE_ARGS': {'_raw_params': 'hostname', 'chdir': '/tmp'}})
        self.assertIn('ansible/modules/command.py', zip_names(p))
        self.assertIn('ansible/module_utils/basic.py', zip_names(p))
        self.assertEqual(p.zip_sha1, hashlib.sha1(base64.b64decode(p.zip_b64)).hexdigest())

    def test_same_module_same_zip_hash_other_args(self):
        a = ansiballz.parse(testlib.build_wrapper('ping', {'data': 'one'}))
        b = ansiballz.parse(testlib.build_wrapper('ping', {'data': 'two'}))
        self.assertEqual(a.zip_sha1, b.zip_sha1)
        self.assertNotEqual(a.params, b.params)
        self.assertEqual(json.loads(b.params)['ANSIBLE_MODULE_ARGS'], {'data': 'two'})

    def test_params_with_quotes_newlines_and_unicode(self):
        text = 'it\'s "quoted"\nnew line \u00e9\u4e2d \\ backslash'
        p = ansiballz.parse(testlib.build_wrapper('ping', {'data': text}))
        self.assertEqual(json.loads(p.params)['ANSIBLE_MODULE_ARGS']['data'], text)

    def test_request_fields(self):
        p = ansiballz.parse(testlib.build_wrapper('ping', {}))
        req = p.to_request('/usr/bin/python3', 'fork', {'LANG': 'C'}, '/srv')
        self.assertEqual(req['interpreter'], '/usr/bin/python3')
        self.assertEqual(req['isolation'], 'fork')
        self.assertEqual(req['env'], {'LANG': 'C'})
        self.assertEqual(req['cwd'], '/srv')
        self.assertEqual(req['fqn'], 'ansible.modules.ping')
        json.dumps(req)

    def test_a_zip_seen_before_and_an_edited_one_both_get_their_own_digest(self):
        data = testlib.build_wrapper('ping', {'data': 'one'})
        first = ansiballz.parse(data)
        again = ansiballz.parse(testlib.build_wrapper('ping', {'data': 'two'}))
        self.assertEqual(first.zip_sha1, again.zip_sha1)
        self.assertEqual(first.zip_b64, again.zip_b64)
        # The same module with other bytes (as if edited mid-run): a new digest, of the new bytes.
        zip_bytes = base64.b64decode(first.zip_b64)
        edited = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as src, zipfile.ZipFile(edited, 'w') as dst:
            for info in src.infolist():
                body = src.read(info)
                if info.filename == 'ansible/modules/ping.py':
                    body += b'\n# edited\n'
                dst.writestr(info, body)
        edited_b64 = base64.b64encode(edited.getvalue())
        p = ansiballz.parse(data.replace(first.zip_b64.encode('ascii'), edited_b64))
        self.assertEqual(p.zip_sha1, hashlib.sha1(edited.getvalue()).hexdigest())
        self.assertNotEqual(p.zip_sha1, first.zip_sha1)
        self.assertEqual(p.zip_b64, edited_b64.decode('ascii'))

    def test_params_are_read_only_from_a_line_of_their_own(self):
        data = testlib.build_wrapper('ping', {'data': 'real'})
        start = data.index(b'ANSIBALLZ_PARAMS = ')
        line_start = data.rindex(b'\n', 0, start) + 1
        indent = data[line_start:start]
        commented = data[:line_start] + indent + b"# ANSIBALLZ_PARAMS = '{}'\n" + data[line_start:]
        self.assertEqual(json.loads(ansiballz.parse(commented).params)['ANSIBLE_MODULE_ARGS'], {'data': 'real'})
        twice = data[:line_start] + indent + b"ANSIBALLZ_PARAMS = '{}'\n" + data[line_start:]
        self.assertIsNone(ansiballz.parse(twice))

    def test_str_input_accepted(self):
        data = testlib.build_wrapper('ping', {})
        self.assertIsNotNone(ansiballz.parse(data.decode('utf-8')))


class RefusedPayloads(unittest.TestCase):

    def test_plain_script(self):
        self.assertIsNone(ansiballz.parse(b'import sys\nprint("hi")\n'))

    def test_coverage_wrapper_runs_as_stock(self):
        data = testlib.build_wrapper('ping', {})
        tampered = data.replace(b'import runpy', b'import runpy\n    import coverage', 1)
        self.assertIsNone(ansiballz.parse(tampered))

    def test_changed_runner_runs_as_stock(self):
        data = testlib.build_wrapper('ping', {})
        self.assertIsNone(ansiballz.parse(data.replace(b'basic._ANSIBLE_ARGS = json_params', b'pass')))

    def test_two_zips_is_not_understood(self):
        data = testlib.build_wrapper('ping', {})
        start = data.index(b'    ZIPDATA = """')
        line = data[start:data.index(b'\n', start) + 1]
        self.assertIsNone(ansiballz.parse(data.replace(line, line + line)))

    def test_corrupt_base64(self):
        data = testlib.build_wrapper('ping', {})
        self.assertIsNone(ansiballz.parse(data.replace(b'ZIPDATA = """', b'ZIPDATA = """A', 1)))


GEN_219 = r'''
import sys
from ansible.executor.module_common import modify_module
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import module_loader, init_plugin_loader
from ansible.template import Templar
init_plugin_loader()
path = module_loader.find_plugin('ansible.builtin.command')
built = modify_module(module_name='command', module_path=path, module_args={'_raw_params': 'echo 2.19'},
                      templar=Templar(DataLoader()), task_vars={'ansible_python_interpreter': '/usr/bin/python3'})
sys.stdout.buffer.write(built.b_module_data)
'''


@unittest.skipUnless(os.path.isdir(os.path.join(TRIXIE_ROOT, 'usr/lib/python3/dist-packages/ansible/_internal'))
                     and os.geteuid() == 0, 'no Debian 13 root with ansible-core 2.19 (or not root for chroot)')
class AnsibleCore219Wrapper(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.data = subprocess.run([CHROOT, TRIXIE_ROOT, '/usr/bin/python3', '-c', GEN_219], check=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                                  env={'PATH': '/usr/bin:/bin', 'HOME': '/root'}).stdout

    def test_loader_layout(self):
        p = ansiballz.parse(self.data)
        self.assertIsNotNone(p, 'the 2.19 wrapper was not recognised')
        self.assertEqual(p.style, 'loader')
        self.assertEqual(p.fqn, 'ansible.modules.command')
        self.assertEqual(json.loads(p.params)['ANSIBLE_MODULE_ARGS']['_raw_params'], 'echo 2.19')
        self.assertTrue(p.profile)
        self.assertIn('ansible/module_utils/_internal/_ansiballz/_loader.py', zip_names(p))
        self.assertEqual(p.zip_sha1, hashlib.sha1(base64.b64decode(p.zip_b64)).hexdigest())
        self.assertEqual(ansiballz.parse(self.data).zip_sha1, p.zip_sha1)
        req = p.to_request('/usr/bin/python3', 'reuse', {}, None)
        self.assertEqual(req['runner'], 'loader')
        self.assertEqual(req['profile'], p.profile)

    def test_extensions_run_as_stock(self):
        tampered = self.data.replace(b'\nextensions={},', b"\nextensions={'coverage': {}},")
        self.assertNotEqual(tampered, self.data)
        self.assertIsNone(ansiballz.parse(tampered))

    def test_2_22_secrets_are_read_and_need_the_engine_feature(self):
        # 2.22 adds `secrets=frozenset({...}),` to the call; its runner requires them (docs/ansible-core-compat.md §f)
        if b'\nsecrets=' in self.data:  # this root holds 2.22 (ANSIBLE_MITOGEN_TRIXIE_ROOT=<sid root>): a real one
            self.assertEqual(ansiballz.parse(self.data).secrets, [])
            self.assertEqual(ansiballz.parse(self.data).engine_feature, 'module_runner_loader_secrets')
            return
        self.assertIsNone(ansiballz.parse(self.data).to_request('p', 'reuse', {}).get('secrets'))
        self.assertEqual(ansiballz.parse(self.data).engine_feature, 'module_runner_loader')
        for text, secrets in ((b"secrets=frozenset(),", []), (b"secrets=frozenset({'b', 'a'}),", ['a', 'b'])):
            p = ansiballz.parse(self.data.replace(b'\nextensions={},', b'\nextensions={},\n' + text))
            self.assertIsNotNone(p, text)
            self.assertEqual(p.secrets, secrets)
            self.assertEqual(p.to_request('p', 'reuse', {})['secrets'], secrets)
            self.assertEqual(p.engine_feature, 'module_runner_loader_secrets')
        for bad in (b"secrets=frozenset({1}),", b"secrets=set(),", b"secrets=frozenset(x),"):
            self.assertIsNone(ansiballz.parse(self.data.replace(b'\nextensions={},', b'\nextensions={},\n' + bad)), bad)

    def test_an_argument_the_runner_may_need_runs_as_stock(self):
        # before 2.22 unknown arguments were skipped, so 2.22's `secrets` reached an agent that did not pass it on
        tampered = self.data.replace(b'\nextensions={},', b'\nextensions={},\nsomething_new=1,')
        self.assertNotEqual(tampered, self.data)
        self.assertIsNone(ansiballz.parse(tampered))


if __name__ == '__main__':
    unittest.main()
