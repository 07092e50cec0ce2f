"""The connection mode: no strategy plugin at all, only our connection plugins in connection_plugins.

Real ansible-playbook runs against the fake engine, one play under each strategy ansible-core ships: each task
must reach the engine by the public connection-plugin API alone, with the strategy's own semantics.
"""
import json
import os
import shutil
import tempfile
import unittest

import testlib

STRATEGIES = ('linear', 'free', 'host_pinned', 'debug')

PLAY = '''
- hosts: all
  gather_facts: false
  strategy: %(strategy)s
  tasks:
    - command: echo "%(strategy)s {{ inventory_hostname }}"
    - command: echo %(strategy)s fqcn
      connection: ansible.builtin.local
    - command: echo %(strategy)s legacy
      connection: ansible.legacy.local
    - command: echo %(strategy)s forked
      vars:
        mitogen_task_isolation: fork
'''

INVENTORY = '''
[all:vars]
ansible_connection=local
ansible_python_interpreter=/usr/bin/python3
[all]
one
two
'''


class ConnectionMode(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix='plugin-test-connmode-')
        self.addCleanup(shutil.rmtree, self.work, True)
        self.engine = testlib.FakeEngineProcess()
        self.addCleanup(self.engine.close)

    def run_plays(self, *extra, **env):
        return self.run_strategies(STRATEGIES, testlib.connection_env, *extra, **env)

    def run_strategies(self, strategies, make_env, *extra, **env):
        plays = ''.join(PLAY % {'strategy': s} for s in strategies)
        for name, text in (('play.yml', plays), ('hosts.ini', INVENTORY)):
            with open(os.path.join(self.work, name), 'w') as f:
                f.write(text)
        argv = [testlib.ansible_bin('ansible-playbook'), '-i', 'hosts.ini', 'play.yml'] + list(extra)
        return testlib.run(argv, make_env(self.engine.socket, **env), self.work)

    def test_without_connection_plugins_a_play_strategy_bypasses_the_engine(self):
        # Why connection_plugins is set in both modes: our strategy routes only the plays it runs; a play's own
        # `strategy: free` ran stock's free over stock's connection, without a word (issue 19).
        rc, out, _ = self.run_strategies(['free'], testlib.ansible_env)
        self.assertEqual(rc, 0, out)
        self.assertEqual(self.engine.requests('exec_module'), [])
        rc, out, _ = self.run_strategies(['free'], testlib.ansible_env, ANSIBLE_CONNECTION_PLUGINS=testlib.CONNECTION_DIR)
        self.assertEqual(rc, 0, out)
        self.assertEqual(len(self.engine.requests('exec_module')), 8)

    def test_every_stock_strategy_sends_every_task_to_the_engine(self):
        rc, out, _ = self.run_plays('-vvv')
        self.assertEqual(rc, 0, out)
        self.assertIn('ok=16', out)
        self.assertIn('goes to the engine (connection plugin found through connection_plugins)', out)
        self.assertNotIn('task workers are', out)  # said only by our strategies: none was loaded
        runs = []
        for m in self.engine.requests('exec_module'):
            args = json.loads(m['module']['params'])['ANSIBLE_MODULE_ARGS']
            runs.append((args['_raw_params'], m['module']['isolation']))
        expected = []
        for s in STRATEGIES:
            expected += [('echo "%s one"' % s, 'isolated'), ('echo "%s two"' % s, 'isolated')]
            expected += [('echo %s %s' % (s, what), 'isolated') for what in ('fqcn', 'legacy')] * 2
            expected += [('echo %s forked' % s, 'fork')] * 2
        self.assertEqual(sorted(runs), sorted(expected), out)


if __name__ == '__main__':
    unittest.main()
