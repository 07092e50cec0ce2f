"""Real ansible-playbook / ansible runs through the strategy plugin, against the fake engine.

They check what the plugin sends (one request per module run, become, isolation, hops, routing of
connection names) and that results and failures reach Ansible the way stock ones do.
"""
import json
import os
import shutil
import tarfile
import tempfile
import unittest

import testlib

PLAYBOOK = '''
- hosts: local
  gather_facts: false
  tasks:
    - command: echo hello
      register: cmd
    - shell: cat; echo err >&2
      args:
        stdin: from stdin
      register: sh
    - raw: echo raw
      register: rw
    - command: echo forked
      vars:
        mitogen_task_isolation: fork
    - command: id -un
      become: true
      become_user: nobody
    - command: echo fqcn
      connection: ansible.builtin.local
    - copy:
        content: "copied\\n"
        dest: "{{ work }}/copied.txt"
    - fetch:
        src: "{{ work }}/copied.txt"
        dest: "{{ work }}/fetched/"
        flat: true
    - copy:
        content: "{{ {'cmd': cmd.stdout, 'sh': sh.stdout, 'sh_err': sh.stderr, 'raw': rw.stdout | trim} | to_json }}"
        dest: "{{ work }}/results.json"
'''


class PlaybookThroughPlugin(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix='plugin-test-work-')
        self.engines = []

    def tearDown(self):
        for e in self.engines:
            e.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def engine(self, *args):
        e = testlib.FakeEngineProcess(*args)
        self.engines.append(e)
        return e

    def write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def write_bytes(self, name, data):
        path = os.path.join(self.work, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def playbook(self, engine_socket, playbook, inventory, *extra, **env):
        argv = [testlib.ansible_bin('ansible-playbook'), '-i', self.write('hosts.ini', inventory),
                self.write('play.yml', playbook), '-e', 'work=' + self.work] + list(extra)
        return testlib.run(argv, testlib.ansible_env(engine_socket, **env), self.work)

    LOCAL_INVENTORY = 'local ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n'

    def test_modules_commands_and_files(self):
        engine = self.engine()
        rc, out, _ = self.playbook(engine.socket, PLAYBOOK, self.LOCAL_INVENTORY)
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.work, 'results.json')) as f:
            results = json.load(f)
        self.assertEqual(results, {'cmd': 'hello', 'sh': 'from stdin', 'sh_err': 'err', 'raw': 'raw'})
        with open(os.path.join(self.work, 'fetched', 'copied.txt')) as f:
            self.assertEqual(f.read(), 'copied\n')

        modules = engine.requests('exec_module')
        by_args = {json.loads(m['module']['params'])['ANSIBLE_MODULE_ARGS'].get('_raw_params'): m for m in modules}
        # One request per module run, never the stock AnsiballZ exec.
        self.assertIn('echo hello', by_args)
        hello = by_args['echo hello']
        self.assertEqual(hello['module']['fqn'], 'ansible.modules.command')
        self.assertEqual(hello['module']['interpreter'], '/usr/bin/python3')
        self.assertEqual(hello['module']['isolation'], 'isolated')
        self.assertEqual(hello['target']['transport'], 'local')
        self.assertIsNone(hello['become'])
        self.assertEqual(hello['module']['cwd'], self.work)
        self.assertEqual(by_args['echo forked']['module']['isolation'], 'fork')
        self.assertEqual(by_args['echo fqcn']['target']['transport'], 'local')
        become = by_args['id -un']['become']
        self.assertEqual((become['method'], become['user']), ('sudo', 'nobody'))
        for m in modules:
            self.assertNotIn('python3', m.get('cmd', ''))
        commands = engine.requests('exec_command')
        self.assertIn('echo raw', [c['cmd'] for c in commands])
        self.assertFalse([c for c in commands if c.get('stdin_b64')], 'a module went as a plain pipelined exec')
        self.assertEqual(len(engine.requests('put_file')), 2)  # two copies of new content
        self.assertEqual(len(engine.requests('fetch_file')), 1)

    def test_large_copy_sources_ask_the_target_for_their_digests(self):
        engine = self.engine()
        self.write_bytes('big.src', b'x' * (1 << 20))
        play = '- hosts: local\n  gather_facts: false\n  tasks:\n' \
            '    - copy:\n        src: "{{ work }}/big.src"\n        dest: "{{ work }}/big.out"\n' \
            '    - copy:\n        content: small\n        dest: "{{ work }}/small.out"\n'
        rc, out, _ = self.playbook(engine.socket, play, self.LOCAL_INVENTORY)
        self.assertEqual(rc, 0, out)
        puts = engine.requests('put_file')
        self.assertEqual([os.path.basename(p['dst']) for p in puts], ['source', 'source'])
        # 1 MiB and more: hashed on the target as it arrives, for the copy module's sha1 and md5
        self.assertEqual([p.get('digests') for p in puts], [['sha1', 'md5'], None])

    def test_an_archive_sent_as_tmpdir_source_is_not_hashed_on_arrival(self):
        # unarchive names its transfer like copy does, but its module never hashes the archive
        engine = self.engine()
        tree = os.path.join(self.work, 'tree')
        os.mkdir(tree)
        self.write_bytes('tree/random.bin', os.urandom(2 << 20))  # incompressible: the archive stays over 1 MiB
        archive = os.path.join(self.work, 'big.tar')
        with tarfile.open(archive, 'w') as t:
            t.add(tree, arcname='tree')
        os.mkdir(os.path.join(self.work, 'unpacked'))
        play = '- hosts: local\n  gather_facts: false\n  tasks:\n' \
            '    - unarchive:\n        src: "{{ work }}/big.tar"\n        dest: "{{ work }}/unpacked"\n' \
            '    - copy:\n        src: "{{ work }}/big.tar"\n        dest: "{{ work }}/big.copy"\n'
        rc, out, _ = self.playbook(engine.socket, play, self.LOCAL_INVENTORY)
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.work, 'unpacked', 'tree', 'random.bin'), 'rb') as a, \
                open(os.path.join(tree, 'random.bin'), 'rb') as b:
            self.assertEqual(a.read(), b.read())
        puts = engine.requests('put_file')
        self.assertEqual([os.path.basename(p['dst']) for p in puts], ['source', 'source'])
        self.assertEqual([p.get('digests') for p in puts], [None, ['sha1', 'md5']])

    def test_a_raw_copy_is_not_hashed_on_arrival(self):
        # raw: the file goes straight to its destination and no copy module reads it back
        engine = self.engine()
        self.write_bytes('big.src', b'y' * (1 << 20))
        play = '- hosts: local\n  gather_facts: false\n  tasks:\n' \
            '    - copy:\n        src: "{{ work }}/big.src"\n        dest: "{{ work }}/big.raw"\n        raw: true\n'
        rc, out, _ = self.playbook(engine.socket, play, self.LOCAL_INVENTORY)
        self.assertEqual(rc, 0, out)
        (put,) = engine.requests('put_file')
        self.assertEqual(put['dst'], os.path.join(self.work, 'big.raw'))
        self.assertIsNone(put.get('digests'))

    def test_module_zip_travels_once_and_workers_skip_hello(self):
        engine = self.engine('--features', 'module_by_digest')
        play = '- hosts: local\n  gather_facts: false\n  tasks:\n' + ''.join(
            '    - command: echo run{0}\n      register: r{0}\n'.format(i) for i in range(4)) + \
            '    - copy:\n        content: "{{ [r0.stdout, r3.stdout] | to_json }}"\n' \
            '        dest: "{{ work }}/out.json"\n'
        rc, out, _ = self.playbook(engine.socket, play, self.LOCAL_INVENTORY)
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.work, 'out.json')) as f:
            self.assertEqual(json.load(f), ['run0', 'run3'])
        commands = [r for r in engine.requests('exec_module') if r['module']['fqn'] == 'ansible.modules.command']
        # The first asks by digest, is told need_zip, and sends the ZIP; the other three name it by digest alone.
        self.assertEqual(len(commands), 5, [sorted(c['module']) for c in commands])
        self.assertEqual(['zip_b64' in c['module'] for c in commands], [False, True, False, False, False])
        self.assertEqual(len({c['module']['zip_sha1'] for c in commands}), 1)
        # One hello, by the strategy; the forked workers trust it (one round trip less per task).
        self.assertEqual(len(engine.requests('hello')), 1)

    def test_isolation_from_environment(self):
        engine = self.engine()
        rc, out, _ = self.playbook(engine.socket, '- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n',
                                   self.LOCAL_INVENTORY, ANSIBLE_MITOGEN_TASK_ISOLATION='fork')
        self.assertEqual(rc, 0, out)
        self.assertEqual([m['module']['isolation'] for m in engine.requests('exec_module')], ['fork'])

    def test_bad_isolation_value_names_the_variable(self):
        engine = self.engine()
        rc, out, _ = self.playbook(engine.socket, '- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n',
                                   self.LOCAL_INVENTORY + '[all:vars]\nmitogen_task_isolation=sometimes\n')
        self.assertNotEqual(rc, 0)
        self.assertIn('mitogen_task_isolation', out)
        self.assertEqual(engine.requests('exec_module'), [])

    def test_ssh_targets_and_via(self):
        engine = self.engine()
        inventory = (
            'bastion ansible_host=192.0.2.10 ansible_user=jump ansible_port=2222 '
            'ansible_ssh_private_key_file=~/.ssh/jump_key\n'
            'web ansible_host=192.0.2.20 ansible_user=deploy mitogen_via=bastion '
            "ansible_ssh_common_args='-o StrictHostKeyChecking=no' ansible_ssh_timeout=7\n"
            'db ansible_host=192.0.2.30 ansible_connection=ansible.builtin.ssh ansible_password=pw\n'
            '[all:vars]\nansible_python_interpreter=/usr/bin/python3\n')
        play = '- hosts: web:db\n  gather_facts: false\n  tasks:\n    - ping:\n'
        rc, out, _ = self.playbook(engine.socket, play, inventory)
        self.assertEqual(rc, 0, out)
        reqs = {r['target']['inventory_name']: r for r in engine.requests('exec_module')}
        web = reqs['web']['target']
        self.assertEqual((web['transport'], web['host'], web['user'], web['timeout']), ('ssh', '192.0.2.20', 'deploy', 7))
        self.assertEqual(web['ssh_common_args'], '-o StrictHostKeyChecking=no')
        self.assertFalse(web['host_key_checking'])
        self.assertEqual(len(web['via']), 1)
        hop = web['via'][0]
        self.assertEqual((hop['inventory_name'], hop['host'], hop['port'], hop['user'], hop['transport']),
                         ('bastion', '192.0.2.10', 2222, 'jump', 'ssh'))
        self.assertEqual(hop['private_key_file'], os.path.expanduser('~/.ssh/jump_key'))
        db = reqs['db']['target']
        self.assertEqual((db['transport'], db['host'], db['password'], db['via']), ('ssh', '192.0.2.30', 'pw', []))

    def test_via_chain_delegate_to_and_loops(self):
        engine = self.engine()
        inventory = ('b1 ansible_host=192.0.2.1\n'
                     'b2 ansible_host=192.0.2.2 mitogen_via=b1\n'
                     'web ansible_host=192.0.2.3 mitogen_via=b2\n'
                     'l1 ansible_host=192.0.2.4 mitogen_via=l2\n'
                     'l2 ansible_host=192.0.2.5 mitogen_via=l1\n'
                     '[all:vars]\nansible_python_interpreter=/usr/bin/python3\n')
        play = ('- hosts: web\n  gather_facts: false\n  tasks:\n    - ping:\n'
                '    - ping:\n      delegate_to: b1\n'
                '- hosts: l1\n  gather_facts: false\n  tasks:\n    - ping:\n')
        rc, out, _ = self.playbook(engine.socket, play, inventory)
        self.assertNotEqual(rc, 0, out)
        self.assertIn('mitogen_via loops: l1 -> l2 -> l1', out)
        reqs = engine.requests('exec_module')
        self.assertEqual(len(reqs), 2, reqs)
        web, delegated = reqs
        self.assertEqual([h['inventory_name'] for h in web['target']['via']], ['b1', 'b2'])
        self.assertEqual([h['host'] for h in web['target']['via']], ['192.0.2.1', '192.0.2.2'])
        self.assertEqual((delegated['target']['inventory_name'], delegated['target']['host'], delegated['target']['via']),
                         ('b1', '192.0.2.1', []))

    def test_container_connections(self):
        engine = self.engine()
        inventory = ('c1 ansible_connection=docker ansible_host=web-1 ansible_user=app\n'
                     'c2 ansible_connection=podman ansible_host=db-1\n'
                     'c3 ansible_connection=docker ansible_host=api-1 mitogen_via=b1\n'
                     'b1 ansible_host=192.0.2.1\n'
                     '[all:vars]\nansible_python_interpreter=/usr/bin/python3\n')
        rc, out, _ = self.playbook(engine.socket, '- hosts: c1:c2:c3\n  gather_facts: false\n  tasks:\n    - ping:\n',
                                   inventory)
        self.assertEqual(rc, 0, out)
        targets = {r['target']['inventory_name']: r['target'] for r in engine.requests('exec_module')}
        self.assertEqual((targets['c1']['transport'], targets['c1']['host'], targets['c1']['user']),
                         ('docker', 'web-1', 'app'))
        self.assertEqual((targets['c2']['transport'], targets['c2']['host']), ('podman', 'db-1'))
        self.assertEqual([h['host'] for h in targets['c3']['via']], ['192.0.2.1'])

    def test_unreachable_and_failed_replies(self):
        for kind, marker in (('unreachable', 'UNREACHABLE!'), ('failed', 'FAILED!')):
            engine = self.engine('--fail-kind', kind)
            rc, out, _ = self.playbook(engine.socket, '- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n',
                                       self.LOCAL_INVENTORY)
            self.assertNotEqual(rc, 0, out)
            self.assertIn(marker, out)
            self.assertIn('fake engine refuses exec_module', out)
            # What the target logged before the failure is shown at -vvv too: often it says why.
            rc, out, _ = self.playbook(engine.socket, '- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n',
                                       self.LOCAL_INVENTORY, '-vvv')
            self.assertIn('fake engine log before the %s failure' % kind, out)

    def test_missing_engine_fails_at_once(self):
        rc, out, elapsed = self.playbook(os.path.join(self.work, 'no-such.sock'),
                                         '- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n',
                                         self.LOCAL_INVENTORY)
        self.assertNotEqual(rc, 0)
        self.assertIn('ANSIBLE_MITOGEN_SOCKET', out)
        self.assertNotIn('ok: [local]', out)

    def test_adhoc_ping(self):
        engine = self.engine()
        argv = [testlib.ansible_bin('ansible'), '-i', self.write('hosts.ini', self.LOCAL_INVENTORY), 'local',
                '-m', 'ping']
        rc, out, _ = testlib.run(argv, testlib.ansible_env(engine.socket), self.work)
        self.assertEqual(rc, 0, out)
        self.assertIn('"ping": "pong"', out)
        self.assertEqual([m['module']['fqn'] for m in engine.requests('exec_module')], ['ansible.modules.ping'])

    # An action plugin that reports which process and thread ran it (workers.py).
    WHERE_ACTION = (
        'import os, threading\n'
        'from ansible.plugins.action import ActionBase\n'
        'class ActionModule(ActionBase):\n'
        '    def run(self, tmp=None, task_vars=None):\n'
        '        return dict(pid=os.getpid(), thread=threading.current_thread().name, changed=False)\n')

    WORKERS_PLAY = (
        '- hosts: all\n  gather_facts: false\n  tasks:\n'
        '    - where:\n      register: w1\n'
        '    - where:\n      register: w2\n'
        '    - command: echo {{ inventory_hostname }}\n      register: own\n'
        '    - set_fact:\n        mine: "{{ inventory_hostname }}-{{ own.stdout }}"\n'
        '    - command: echo {{ letter }}-{{ mine }}\n      loop: [a, b]\n'
        '      loop_control:\n        loop_var: letter\n      register: looped\n'
        '    - copy:\n        content: "{{ {\'pids\': [w1.pid, w2.pid], \'threads\': [w1.thread, w2.thread], '
        '\'own\': own.stdout, \'looped\': looped.results | map(attribute=\'stdout\') | list, '
        '\'letter_left\': letter is defined} | to_json }}"\n'
        '        dest: "{{ work }}/{{ inventory_hostname }}.json"\n')

    def workers_run(self, **env):
        actions = os.path.join(self.work, 'actions')
        os.makedirs(actions)
        with open(os.path.join(actions, 'where.py'), 'w') as f:
            f.write(self.WHERE_ACTION)
        engine = self.engine()
        inventory = ''.join('h%d ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' % i
                            for i in range(4))
        rc, out, _ = self.playbook(engine.socket, self.WORKERS_PLAY, inventory, '--forks', '3',
                                   ANSIBLE_ACTION_PLUGINS=actions, **env)
        self.assertEqual(rc, 0, out)
        results = {}
        for i in range(4):
            with open(os.path.join(self.work, 'h%d.json' % i)) as f:
                results['h%d' % i] = json.load(f)
        return results, engine

    def assert_each_host_saw_its_own(self, results):
        for host, r in results.items():
            self.assertEqual(r['own'], host)
            self.assertEqual(r['looped'], ['a-%s-%s' % (host, host), 'b-%s-%s' % (host, host)])
            self.assertFalse(r['letter_left'], 'the loop variable leaked out of its task on %s' % host)

    def test_workers_are_threads_of_the_controller_by_default(self):
        results, engine = self.workers_run()
        pids = {p for r in results.values() for p in r['pids']}
        self.assertEqual(len(pids), 1, results)
        self.assertTrue(all(t.startswith('ansible-worker ') for r in results.values() for t in r['threads']), results)
        self.assert_each_host_saw_its_own(results)
        # Still one hello: thread workers trust the strategy's, as forked ones do.
        self.assertEqual(len(engine.requests('hello')), 1)

    def test_thread_workers_load_a_plugin_once_all_at_once(self):
        # Three workers reach a lookup plugin nobody loaded yet at the same moment (the strategy preloads action
        # plugins, not lookups); its code takes a while to run. The stock loader would hand the second and third
        # a module still without its LookupModule.
        lookups = os.path.join(self.work, 'lookups')
        os.makedirs(lookups)
        with open(os.path.join(lookups, 'slowload.py'), 'w') as f:
            f.write('import time\ntime.sleep(1.5)\n'
                    'from ansible.plugins.lookup import LookupBase\n'
                    'class LookupModule(LookupBase):\n'
                    '    def run(self, terms, variables=None, **kwargs):\n'
                    '        return ["loaded"]\n')
        engine = self.engine()
        inventory = ''.join('h%d ansible_connection=local\n' % i for i in range(3))
        rc, out, _ = self.playbook(engine.socket, '- hosts: all\n  gather_facts: false\n  tasks:\n'
                                   '    - debug:\n        msg: "{{ lookup(\'slowload\') }}"\n',
                                   inventory, '--forks', '3', ANSIBLE_LOOKUP_PLUGINS=lookups)
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.count('"msg": "loaded"'), 3, out)

    def test_tasks_that_arm_sigalrm_get_a_forked_worker(self):
        # Only a process's main thread may set a signal handler: the `timeout` keyword and `pause` need a process.
        actions = os.path.join(self.work, 'actions')
        os.makedirs(actions)
        with open(os.path.join(actions, 'where.py'), 'w') as f:
            f.write(self.WHERE_ACTION)
        engine = self.engine()
        play = ('- hosts: local\n  gather_facts: false\n  tasks:\n'
                '    - where:\n      register: w1\n'
                '    - where:\n      timeout: 30\n      register: w2\n'
                '    - pause:\n        seconds: 1\n'
                '    - command: sleep 10\n      timeout: 1\n      register: late\n      ignore_errors: true\n'
                '    - copy:\n        content: "{{ {\'w1\': w1, \'w2\': w2, \'late\': late.msg} | to_json }}"\n'
                '        dest: "{{ work }}/out.json"\n')
        rc, out, _ = self.playbook(engine.socket, play, self.LOCAL_INVENTORY, ANSIBLE_ACTION_PLUGINS=actions)
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.work, 'out.json')) as f:
            r = json.load(f)
        self.assertTrue(r['w1']['thread'].startswith('ansible-worker '), r)
        self.assertEqual(r['w2']['thread'], 'MainThread', r)
        self.assertNotEqual(r['w1']['pid'], r['w2']['pid'])
        self.assertIn('failed to execute in the expected time frame (1)', r['late'])

    def test_home_lookup_is_asked_once_per_target_until_a_reset(self):
        # Each copy item makes a temp dir, and ActionBase first asks `echo ~USER`; the answer cannot change while
        # the engine's connection lives, so the plugin asks once (a reset forgets it).
        engine = self.engine()
        play = ('- hosts: local\n  gather_facts: false\n  tasks:\n'
                '    - copy:\n        content: "item {{ item }}"\n        dest: "{{ work }}/c{{ item }}.txt"\n'
                '      loop: [1, 2, 3]\n'
                '    - meta: reset_connection\n'
                '    - copy:\n        content: "item 4"\n        dest: "{{ work }}/c4.txt"\n')
        rc, out, _ = self.playbook(engine.socket, play, self.LOCAL_INVENTORY)
        self.assertEqual(rc, 0, out)
        for i in (1, 2, 3, 4):
            with open(os.path.join(self.work, 'c%d.txt' % i)) as f:
                self.assertEqual(f.read(), 'item %d' % i)
        homes = [c['cmd'] for c in engine.requests('exec_command') if c['cmd'].startswith('echo ~')]
        self.assertEqual(len(homes), 2, homes)  # the first copy item, and the copy after the reset

    def test_workers_fork_on_request(self):
        results, _ = self.workers_run(ANSIBLE_MITOGEN_WORKERS='fork')
        pids = [p for r in results.values() for p in r['pids']]
        self.assertEqual(len(set(pids)), len(pids), results)  # a process per task
        self.assert_each_host_saw_its_own(results)

    def test_bad_workers_value_names_the_variable(self):
        engine = self.engine()
        rc, out, _ = self.playbook(engine.socket, '- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n',
                                   self.LOCAL_INVENTORY, ANSIBLE_MITOGEN_WORKERS='processes')
        self.assertNotEqual(rc, 0)
        self.assertIn("ANSIBLE_MITOGEN_WORKERS='processes' is not one of thread, fork", out)
        self.assertEqual(engine.requests('exec_module'), [])

    # A role that brings its own vars plugin: included at run time, its directory is added to the vars plugin
    # loader mid-play, and the tasks after the include see the plugin's variable (listings.py keeps the vars
    # plugin list between tasks only until a directory is added).
    ROLE_VARS_PLUGIN = (
        'from ansible.plugins.vars import BaseVarsPlugin\n'
        'class VarsModule(BaseVarsPlugin):\n'
        '    def get_vars(self, loader, path, entities, cache=True):\n'
        '        return {"r1_plugin_var": "seen"}\n')

    def test_vars_plugin_of_an_included_role_is_seen_as_stock_sees_it(self):
        os.makedirs(os.path.join(self.work, 'roles', 'r1', 'vars_plugins'))
        os.makedirs(os.path.join(self.work, 'roles', 'r1', 'tasks'))
        self.write('roles/r1/vars_plugins/r1vars.py', self.ROLE_VARS_PLUGIN)
        self.write('roles/r1/tasks/main.yml', '- debug: msg=in-role\n')
        play = ('- hosts: local\n  gather_facts: false\n  tasks:\n'
                '    - debug: var=r1_plugin_var\n'
                '    - debug: var=r1_plugin_var\n'
                '    - include_role: name=r1\n'
                '    - debug: var=r1_plugin_var\n')
        seen = {}
        for strategy in ('linear', 'mitogen_linear'):
            engine = self.engine()
            rc, out, _ = self.playbook(engine.socket, play, self.LOCAL_INVENTORY, '-vvv', ANSIBLE_STRATEGY=strategy)
            self.assertEqual(rc, 0, out)
            seen[strategy] = ['undefined' if 'VARIABLE IS NOT DEFINED' in line else line.strip()
                              for line in out.splitlines() if '"r1_plugin_var":' in line]
            if strategy == 'mitogen_linear':
                self.assertIn('plugin listings kept between tasks', out)
        self.assertEqual(seen['linear'], ['undefined', 'undefined', '"r1_plugin_var": "seen"'])
        self.assertEqual(seen['mitogen_linear'], seen['linear'])


if __name__ == '__main__':
    unittest.main()
