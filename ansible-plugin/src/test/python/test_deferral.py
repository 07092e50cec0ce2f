"""Temp-dir commands recognised against the text the installed ansible-core's own sh shell plugin builds."""
import unittest

import testlib  # noqa: F401  (puts the plugin on sys.path)
from ansible_mitogen_engine import deferral


def shell():
    from ansible.plugins.loader import shell_loader
    sh = shell_loader.get('sh')
    sh.set_options()
    return sh


class MkdtempTest(unittest.TestCase):
    def test_predicts_what_the_shell_prints(self):
        sh = shell()
        cmd = sh.mkdtemp(basefile='ansible-tmp-1.5-7-9', system=False, tmpdir='/home/u/.ansible/tmp')
        found = deferral.classify(sh, cmd, [])
        self.assertIsInstance(found, deferral.Mkdtemp)
        self.assertEqual(b'ansible-tmp-1.5-7-9=/home/u/.ansible/tmp/ansible-tmp-1.5-7-9\n', found.stdout)
        self.assertEqual('/home/u/.ansible/tmp/ansible-tmp-1.5-7-9/', found.path)

    def test_system_tmpdir_for_unprivileged_become(self):
        sh = shell()
        cmd = sh.mkdtemp(basefile='ansible-tmp-2', system=True, tmpdir='/home/u/.ansible/tmp')
        found = deferral.classify(sh, cmd, [])
        base = sh.get_option('system_tmpdirs')[0]
        self.assertEqual(('ansible-tmp-2=%s/ansible-tmp-2\n' % base).encode(), found.stdout)

    def test_paths_the_shell_would_expand_go_to_the_target(self):
        sh = shell()
        for tmpdir in ('~/.ansible/tmp', '/tmp/a b', '/tmp/$HOME', '/tmp/x*', 'relative/tmp'):
            cmd = sh.mkdtemp(basefile='ansible-tmp-3', system=False, tmpdir=tmpdir)
            self.assertIsNone(deferral.classify(sh, cmd, []), tmpdir)

    def test_a_changed_command_goes_to_the_target(self):
        sh = shell()
        cmd = sh.mkdtemp(basefile='ansible-tmp-4', system=False, tmpdir='/tmp/t') + '; touch /x'
        self.assertIsNone(deferral.classify(sh, cmd, []))


class ChmodAndRemoveTest(unittest.TestCase):
    DIR = '/home/u/.ansible/tmp/ansible-tmp-5/'

    def test_chmod_of_own_temp_files(self):
        sh = shell()
        cmd = sh.chmod([self.DIR, self.DIR + 'source'], 'u+x')
        self.assertIsInstance(deferral.classify(sh, cmd, [self.DIR]), deferral.Chmod)

    def test_chmod_elsewhere_or_acl_modes_go_to_the_target(self):
        sh = shell()
        self.assertIsNone(deferral.classify(sh, sh.chmod(['/etc/passwd'], 'u+x'), [self.DIR]))
        self.assertIsNone(deferral.classify(sh, sh.chmod([self.DIR + '../x'], 'u+x'), [self.DIR]))
        self.assertIsNone(deferral.classify(sh, sh.chmod([self.DIR], '+a'), [self.DIR]))
        self.assertIsNone(deferral.classify(sh, sh.chmod([self.DIR], 'u+x'), []))

    def test_remove_of_own_temp_dir_only(self):
        sh = shell()
        found = deferral.classify(sh, sh.remove(self.DIR, recurse=True), [self.DIR])
        self.assertIsInstance(found, deferral.Remove)
        self.assertIsNone(deferral.classify(sh, sh.remove('/home/u/other/', recurse=True), [self.DIR]))
        self.assertIsNone(deferral.classify(sh, sh.remove(self.DIR, recurse=False), [self.DIR]))


class TaskDeferralTest(unittest.TestCase):
    def test_a_dir_never_sent_needs_no_removal(self):
        sh = shell()
        d = deferral.TaskDeferral()
        made = deferral.classify(sh, sh.mkdtemp(basefile='ansible-tmp-6', tmpdir='/t'), [])
        d.pending.append(made)
        d.dirs.append(made.path)
        d.pending.append(deferral.classify(sh, sh.chmod([made.path], 'u+x'), d.dirs))
        self.assertTrue(d.drop_unsent('/t/ansible-tmp-6/'))
        self.assertEqual(([], []), d.take())

    def test_a_sent_dir_must_be_removed(self):
        d = deferral.TaskDeferral()
        d.dirs.append('/t/ansible-tmp-7/')
        d.put_tokens.append(3)
        self.assertFalse(d.drop_unsent('/t/ansible-tmp-7/'))
        self.assertEqual(([], [3]), d.take())


if __name__ == '__main__':
    unittest.main()
