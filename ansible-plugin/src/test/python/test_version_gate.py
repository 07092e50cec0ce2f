"""The version gate seen by a user: a real ansible-playbook whose ansible-core reports another version.

`sitecustomize.py` (found first on PYTHONPATH) sets `ansible.release.__version__` before ansible-playbook starts,
which is exactly what the plugin reads; everything else is the installed ansible-core, the real strategy and
the fake engine.
"""
import os
import shutil
import tempfile
import unittest

import testlib

SITECUSTOMIZE = '''
import os
version = os.environ.get('FAKE_ANSIBLE_CORE_VERSION')
if version:
    import ansible.release
    ansible.release.__version__ = version
'''

PLAY = '- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n'
INVENTORY = 'local ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n'
TESTED_WARNING = 'ansible-mitogen was tested with ansible-core 2.14 to 2.22 (releases 2.14.18, 2.19.11, 2.22.0b2)'


class VersionGate(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix='plugin-test-version-')
        self.addCleanup(shutil.rmtree, self.work, True)
        self.site = os.path.join(self.work, 'site')
        os.mkdir(self.site)
        with open(os.path.join(self.site, 'sitecustomize.py'), 'w') as f:
            f.write(SITECUSTOMIZE)
        for name, text in (('play.yml', PLAY), ('hosts.ini', INVENTORY)):
            with open(os.path.join(self.work, name), 'w') as f:
                f.write(text)
        self.engine = testlib.FakeEngineProcess()
        self.addCleanup(self.engine.close)

    def run_as(self, version, make_env=testlib.ansible_env):
        env = make_env(self.engine.socket, PYTHONPATH=self.site)
        if version is not None:
            env['FAKE_ANSIBLE_CORE_VERSION'] = version
        argv = [testlib.ansible_bin('ansible-playbook'), '-i', 'hosts.ini', 'play.yml']
        rc, out, _ = testlib.run(argv, env, self.work)
        return rc, ' '.join(out.split())  # the warning is wrapped to the terminal width

    def test_older_than_supported_stops_before_any_task(self):
        rc, out = self.run_as('2.13.13')
        self.assertNotEqual(rc, 0, out)
        self.assertIn('ansible-mitogen supports ansible-core 2.14 to 2.22; this is ansible-core 2.13.13', out)
        self.assertIn('Upgrade ansible-core', out)
        self.assertNotIn('ok: [local]', out)
        self.assertEqual(self.engine.requests('exec_module'), [])

    def test_newer_than_tested_runs_with_a_warning_naming_the_tested_versions(self):
        rc, out = self.run_as('2.23.1')
        self.assertEqual(rc, 0, out)
        self.assertIn('[WARNING]: ' + TESTED_WARNING + '; this is ansible-core 2.23.1', out)
        self.assertIn('ok: [local]', out)
        self.assertEqual([m['module']['fqn'] for m in self.engine.requests('exec_module')], ['ansible.modules.ping'])

    def test_connection_mode_older_than_supported_fails_its_tasks_naming_the_range(self):
        # No strategy to stop the run first: the check runs when the loader imports our plugin, and the first task
        # that uses it fails with the message (an exception at import would make the loader fall back to stock).
        rc, out = self.run_as('2.13.13', testlib.connection_env)
        self.assertNotEqual(rc, 0, out)
        self.assertIn('ansible-mitogen supports ansible-core 2.14 to 2.22; this is ansible-core 2.13.13', out)
        self.assertNotIn('ok: [local]', out)
        self.assertEqual(self.engine.requests('exec_module'), [])

    def test_connection_mode_newer_than_tested_runs_with_the_warning_once(self):
        rc, out = self.run_as('2.23.1', testlib.connection_env)
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.count(TESTED_WARNING), 1, out)
        self.assertEqual([m['module']['fqn'] for m in self.engine.requests('exec_module')], ['ansible.modules.ping'])

    def test_strategy_and_connection_plugins_together_warn_once(self):
        # what the CLI sets in its default mode: both check the version, one warning is shown
        def both(socket, **kw):
            return testlib.ansible_env(socket, ANSIBLE_CONNECTION_PLUGINS=testlib.CONNECTION_DIR, **kw)
        rc, out = self.run_as('2.23.1', both)
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.count(TESTED_WARNING), 1, out)

    def test_installed_version_runs_without_the_warning(self):
        rc, out = self.run_as(None)
        self.assertEqual(rc, 0, out)
        self.assertNotIn('ansible-mitogen was tested with', out)
        self.assertIn('ok: [local]', out)


if __name__ == '__main__':
    unittest.main()
