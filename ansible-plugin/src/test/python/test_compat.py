"""Version policy: refuse older than 2.14, warn (not fail) for newer than tested."""
import unittest

import testlib  # noqa: F401
from ansible.errors import AnsibleError
from ansible_mitogen_engine import compat


class VersionPolicy(unittest.TestCase):

    def test_older_is_refused_with_advice(self):
        with self.assertRaises(AnsibleError) as ctx:
            compat.check_version('2.13.13')
        self.assertIn('2.14 to 2.19', str(ctx.exception))
        self.assertIn('strategy', str(ctx.exception))

    def test_tested_versions_pass_silently(self):
        warnings = []
        for v in ('2.14.18', '2.16.0', '2.19.11'):
            compat.check_version(v, warn=warnings.append)
        self.assertEqual(warnings, [])

    def test_newer_warns_naming_tested_versions(self):
        warnings = []
        self.assertEqual(compat.check_version('2.20.0.dev0', warn=warnings.append), (2, 20))
        self.assertEqual(len(warnings), 1)
        self.assertIn('2.14 to 2.19', warnings[0])
        self.assertIn('2.20.0.dev0', warnings[0])

    def test_installed_ansible_has_the_features(self):
        compat.check_features()
        compat.check_version()


if __name__ == '__main__':
    unittest.main()
