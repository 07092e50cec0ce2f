"""The plugin inside ansible-core 2.19 (a Debian 13 root, entered with chroot), against the fake engine.

Skipped unless a root with ansible-core 2.19 exists (ANSIBLE_MITOGEN_TRIXIE_ROOT, default /work/cache/trixie;
`.ci/lib/trixie-root.sh` makes it) and we are root. Paths are bind-mounted at the same place inside the root in a
private mount namespace, so nothing stays mounted.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import testlib

TRIXIE_ROOT = os.environ.get('ANSIBLE_MITOGEN_TRIXIE_ROOT', '/work/cache/trixie')
HAVE_219 = os.path.isfile(os.path.join(TRIXIE_ROOT, 'usr/lib/python3/dist-packages/ansible/_internal/__init__.py'))

ENTER = r'''
ROOT=$1; shift; BINDS=$1; shift; CWD=$1; shift
for p in $BINDS; do mkdir -p "$ROOT$p"; mount --bind "$p" "$ROOT$p"; done
exec chroot "$ROOT" /usr/bin/env -C "$CWD" "$@"
'''

PLAY = '''
- hosts: local
  gather_facts: false
  tasks:
    - command: echo hello-219
      register: cmd
    - command: echo forked
      vars:
        mitogen_task_isolation: fork
    - command: id -un
      become: true
      become_user: nobody
      become_method: su
    - command: echo fqcn
      connection: ansible.builtin.local
    - copy:
        content: "{{ cmd.stdout }}\\n"
        dest: "{{ work }}/out.txt"
'''


SCAN_219 = r'''
import datetime, io, zipfile
from ansible.executor import module_common
from ansible._internal._ansiballz import _builder
from ansible.plugins.loader import init_plugin_loader, module_loader
from ansible_mitogen_engine import module_scan

init_plugin_loader([])  # the collection finder, as the CLI sets it up


def payload(name):
    with open(module_loader.find_plugin(name), 'rb') as f:
        data = f.read()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as zf:
        module_common.recursive_finder(name, 'ansible.modules.' + name, data, zf,
                                       datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
                                       _builder.ExtensionManager.create(task_vars={}))
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        return sorted((i.filename, zf.read(i.filename)) for i in zf.infolist())

names = ('stat', 'copy', 'file')
stock = [payload(n) for n in names]
finder, scan = module_common.ModuleDepFinder, module_common.recursive_finder
cold = module_scan.install()
cold_payloads = [payload(n) for n in names]
print('cold misses>20', cold.misses > 20)
del module_common.compile
module_common.ModuleDepFinder, module_common.recursive_finder = finder, scan
warm = module_scan.install()
warm_payloads = [payload(n) for n in names]
print('warm parses %d misses %d' % (warm.parses, warm.misses))
print('same payloads', stock == cold_payloads, stock == warm_payloads)
'''


@unittest.skipUnless(HAVE_219 and os.geteuid() == 0 and shutil.which('unshare'),
                     'needs root and a Debian 13 root with ansible-core 2.19')
class AnsibleCore219(unittest.TestCase):

    def run_219(self, *engine_args, **kw):
        play = kw.get('play', PLAY)
        inventory = kw.get('inventory', 'local ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n')
        work, plugin = self._work_dir()
        engine = testlib.FakeEngineProcess(*engine_args)
        self.addCleanup(engine.close)
        self.addCleanup(self._rmdir_quietly, TRIXIE_ROOT + engine.dir)  # the bind mount's empty dir in the root
        with open(os.path.join(work, 'play.yml'), 'w') as f:
            f.write(play)
        with open(os.path.join(work, 'hosts.ini'), 'w') as f:
            f.write(inventory)
        if kw.get('connection_mode'):
            routing = ['ANSIBLE_CONNECTION_PLUGINS=%s/connection' % plugin]  # no strategy plugin at all
        else:
            routing = ['ANSIBLE_STRATEGY_PLUGINS=%s/strategy' % plugin, 'ANSIBLE_STRATEGY=mitogen_linear']
        env = routing + ['ANSIBLE_MITOGEN_SOCKET=' + engine.socket, 'ANSIBLE_LOCAL_TEMP=%s/tmp' % work,
               'ANSIBLE_NOCOLOR=1', 'ANSIBLE_DEPRECATION_WARNINGS=False'] + list(kw.get('env', ()))
        p = self._in_root(work, [engine.dir], env,
                          ['ansible-playbook', '-i', 'hosts.ini', 'play.yml', '-e', 'work=' + work])
        return p.returncode, p.stdout.decode('utf-8', 'replace'), engine, work

    def run_python_219(self, script):
        """`script` run by the root's python3 with the plugin importable; its stdout."""
        work, plugin = self._work_dir()
        with open(os.path.join(work, 'script.py'), 'w') as f:
            f.write(script)
        p = self._in_root(work, [], ['PYTHONPATH=' + plugin], ['python3', 'script.py'])
        out = p.stdout.decode('utf-8', 'replace')
        self.assertEqual(p.returncode, 0, out)
        return out

    def _work_dir(self):
        """A scratch dir under /tmp (bind-mounted at the same place in the root) holding a copy of the plugin."""
        work = tempfile.mkdtemp(prefix='plugin-test-219-', dir='/tmp')
        self.addCleanup(shutil.rmtree, work, True)
        self.addCleanup(self._rmdir_quietly, TRIXIE_ROOT + work)  # the bind mount's empty dir in the root
        plugin = os.path.join(work, 'plugin')
        shutil.copytree(testlib.PLUGIN_ROOT, plugin, ignore=shutil.ignore_patterns('__pycache__'))
        return work, plugin

    @staticmethod
    def _in_root(work, binds, env, command):
        """`command` run in `work` inside the root, with `work` and `binds` mounted and a cache dir of its own."""
        env = ['HOME=/root', 'XDG_CACHE_HOME=%s/cache' % work, 'PYTHONDONTWRITEBYTECODE=1',
               'PATH=/usr/sbin:/usr/bin:/sbin:/bin'] + list(env)
        argv = ['unshare', '--mount', '--propagation', 'private', '/bin/sh', '-eu', '-c', ENTER, 'enter',
                TRIXIE_ROOT, ' '.join([work] + list(binds)), work, '-i'] + env + list(command)
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=testlib.RUN_TIMEOUT)

    def test_module_import_scans_kept_between_runs_build_stock_payloads(self):
        # 2.19's recursive_finder has other arguments and reads the module's tree for METADATA: stock's payload
        # entries, from a cold file and from a warm one (a new ImportCache reading what the first wrote).
        out = self.run_python_219(SCAN_219)
        self.assertIn('cold misses>20 True', out)
        self.assertIn('warm parses 0 misses 0', out)
        self.assertIn('same payloads True True', out)

    @staticmethod
    def _rmdir_quietly(path):
        try:
            os.rmdir(path)
        except OSError:
            pass

    def test_modules_go_through_the_engine(self):
        rc, out, engine, work = self.run_219('--features', 'module_runner_loader,module_runner_loader_secrets')
        self.assertEqual(rc, 0, out)
        # The root has no collections: our docker/podman plugins must not make 2.19's loader warn about them.
        self.assertNotIn('Error loading plugin', out)
        with open(os.path.join(work, 'out.txt')) as f:
            self.assertEqual(f.read(), 'hello-219\n')
        modules = engine.requests('exec_module')
        by_args = {json.loads(m['module']['params'])['ANSIBLE_MODULE_ARGS'].get('_raw_params'): m for m in modules}
        self.assertEqual(by_args['echo hello-219']['module']['runner'], 'loader')
        self.assertTrue(by_args['echo hello-219']['module']['profile'])
        self.assertEqual(by_args['echo forked']['module']['isolation'], 'fork')
        self.assertEqual(by_args['echo fqcn']['target']['transport'], 'local')
        # su is pipelined too: 2.19 asks the connection (is_pipelining_enabled), and the engine does become.
        self.assertEqual(by_args['id -un']['become']['method'], 'su')
        self.assertFalse([c for c in engine.requests('exec_command') if c.get('stdin_b64')])

    def test_connection_mode_sends_every_task_of_stock_strategies_to_the_engine(self):
        # No third-party strategy loaded: our connection plugins, found through connection_plugins, carry every
        # task, FQCN `ansible.builtin.local` included, under stock free and host_pinned.
        play = PLAY.replace('  gather_facts: false\n', '  gather_facts: false\n  strategy: free\n')
        play += play.replace('strategy: free', 'strategy: host_pinned')
        rc, out, engine, work = self.run_219('--features', 'module_runner_loader,module_runner_loader_secrets',
                                             play=play, connection_mode=True)
        self.assertEqual(rc, 0, out)
        self.assertNotIn('mitogen_linear', out)
        modules = engine.requests('exec_module')
        raw = sorted(json.loads(m['module']['params'])['ANSIBLE_MODULE_ARGS'].get('_raw_params') for m in modules
                     if m['module']['fqn'] == 'ansible.modules.command')
        self.assertEqual(raw, sorted(['echo hello-219', 'echo forked', 'id -un', 'echo fqcn'] * 2), out)
        # the copy: `copy` the first time; `stat` (and `file`) the second, when the content is already there
        self.assertIn('ansible.modules.copy', [m['module']['fqn'] for m in modules])
        self.assertEqual([m['module']['isolation'] for m in modules].count('fork'), 2)

    def test_thread_workers_asked_for_fall_back_to_forks(self):
        # 2.19's WorkerProcess takes other arguments (a worker id, CLI args) and does more (a per-worker queue,
        # stdio capture): the plugin says so and forks, and the run still works.
        rc, out, engine, work = self.run_219('--features', 'module_runner_loader,module_runner_loader_secrets', env=['ANSIBLE_MITOGEN_WORKERS=thread'])
        self.assertEqual(rc, 0, out)
        self.assertIn('task workers fork as stock Ansible does (WorkerProcess takes', out)
        with open(os.path.join(work, 'out.txt')) as f:
            self.assertEqual(f.read(), 'hello-219\n')

    def test_ssh_options_and_via(self):
        inventory = ('b1 ansible_host=192.0.2.1 ansible_user=jump\n'
                     'web ansible_host=192.0.2.2 ansible_port=2200 ansible_user=deploy mitogen_via=b1 '
                     'ansible_ssh_private_key_file=/keys/id ansible_ssh_extra_args="-o Compression=no"\n'
                     '[all:vars]\nansible_python_interpreter=/usr/bin/python3\n')
        play = '- hosts: web\n  gather_facts: false\n  tasks:\n    - ping:\n'
        rc, out, engine, work = self.run_219('--features', 'module_runner_loader,module_runner_loader_secrets', play=play, inventory=inventory)
        self.assertEqual(rc, 0, out)
        (req,) = engine.requests('exec_module')
        t = req['target']
        self.assertEqual((t['transport'], t['inventory_name'], t['host'], t['port'], t['user'], t['private_key_file'],
                          t['ssh_extra_args']), ('ssh', 'web', '192.0.2.2', 2200, 'deploy', '/keys/id', '-o Compression=no'))
        self.assertEqual([(h['inventory_name'], h['host'], h['user']) for h in t['via']], [('b1', '192.0.2.1', 'jump')])

    def test_only_the_copy_action_asks_for_digests_on_arrival(self):
        # 2.19 forks its workers: the copy action's wrapper (copy_digests.py) must be inherited from the strategy
        play = ('- hosts: local\n  gather_facts: false\n  tasks:\n'
                '    - shell: head -c 2097152 /dev/urandom > {{ work }}/big.bin && tar -C {{ work }} -cf {{ work }}/big.tar big.bin\n'
                '      delegate_to: localhost\n'
                '    - file: {path: "{{ work }}/unpacked", state: directory}\n'
                '    - unarchive: {src: "{{ work }}/big.tar", dest: "{{ work }}/unpacked"}\n'
                '    - copy: {src: "{{ work }}/big.bin", dest: "{{ work }}/big.copy"}\n')
        rc, out, engine, work = self.run_219('--features', 'module_runner_loader,module_runner_loader_secrets', play=play)
        self.assertEqual(rc, 0, out)
        with open(os.path.join(work, 'big.bin'), 'rb') as a, open(os.path.join(work, 'big.copy'), 'rb') as b:
            self.assertEqual(a.read(), b.read())
        puts = engine.requests('put_file')
        # 2.19 names the copy's transfer TMPDIR/.source plus the destination's suffix
        self.assertEqual([os.path.basename(p['dst']) for p in puts], ['source', '.source.copy'])
        self.assertEqual([p.get('digests') for p in puts], [None, ['sha1', 'md5']])

    def test_engine_without_loader_runner_gets_a_plain_exec(self):
        rc, out, engine, work = self.run_219()
        self.assertEqual(rc, 0, out)
        self.assertEqual(engine.requests('exec_module'), [])
        piped = [c for c in engine.requests('exec_command') if c.get('stdin_b64')]
        self.assertTrue(piped)
        self.assertTrue(all(c['cmd'] == '/usr/bin/python3' for c in piped), piped)


if __name__ == '__main__':
    unittest.main()
