"""Version policy: refuse older than 2.14, warn (not fail) for newer than tested."""
import unittest

import testlib  # noqa: F401
from ansible.errors import AnsibleError
from ansible_mitogen_engine import compat


class VersionPolicy(unittest.TestCase):

    def test_older_is_refused_with_advice(self):
        with self.assertRaises(AnsibleError) as ctx:
            compat.check_version('2.13.13')
        self.assertIn('2.14 to 2.22', str(ctx.exception))
        self.assertIn('strategy', str(ctx.exception))

    def test_tested_versions_pass_silently(self):
        warnings = []
        for v in ('2.14.18', '2.16.0', '2.19.11', '2.22.0b2'):
            compat.check_version(v, warn=warnings.append)
        self.assertEqual(warnings, [])

    def test_newer_warns_naming_tested_versions(self):
        warnings = []
        self.assertEqual(compat.check_version('2.23.0.dev0', warn=warnings.append), (2, 23))
        self.assertEqual(len(warnings), 1)
        self.assertIn('2.14 to 2.22', warnings[0])
        self.assertIn('2.23.0.dev0', warnings[0])
        compat.check_version('2.23.0.dev0', warn=warnings.append)  # the strategy checks after the connection plugins
        self.assertEqual(len(warnings), 1)

    def test_installed_ansible_has_the_features(self):
        compat.check_features()
        compat.check_version()



class CollectionPlugins(unittest.TestCase):
    """docker/podman subclass the collections' plugins when installed, without asking the loader otherwise."""

    def setUp(self):
        import ansible.plugins.loader as loader
        if hasattr(loader, 'init_plugin_loader'):  # 2.15+: what the CLI does before any plugin loads
            loader.init_plugin_loader()

    def test_missing_collection_is_known_missing(self):
        from ansible_mitogen_engine import stock
        self.assertFalse(stock._collection_may_exist('nosuchns.nosuchcoll.conn'))
        cls, doc = stock.collection_connection('nosuchns.nosuchcoll.conn', 'conn')
        self.assertIn('remote_addr', doc)

    def test_installed_collection_is_subclassed(self):
        import importlib.util
        if importlib.util.find_spec('ansible_collections') is None:
            self.skipTest('no collections installed with this ansible-core')
        from ansible_mitogen_engine import stock
        try:
            installed = importlib.util.find_spec('ansible_collections.community.docker') is not None
        except ImportError:
            installed = False
        if not installed:
            self.skipTest('community.docker is not installed')
        self.assertTrue(stock._collection_may_exist('community.docker.docker'))
        cls, doc = stock.collection_connection('community.docker.docker', 'docker')
        self.assertTrue(cls.__module__.startswith('ansible_collections.community.docker.'), cls.__module__)


class ViaSpec(unittest.TestCase):

    def test_mitogen_syntax(self):
        from ansible_mitogen_engine import vias
        self.assertEqual(vias.parse_spec('bastion'), (None, None, 'bastion'))
        self.assertEqual(vias.parse_spec('root@bastion'), (None, 'root', 'bastion'))
        self.assertEqual(vias.parse_spec('su:app@bastion'), ('su', 'app', 'bastion'))

    def test_become_on_a_hop_is_refused_not_ignored(self):
        from ansible_mitogen_engine import vias
        with self.assertRaises(AnsibleError) as ctx:
            vias.resolve('sudo:root@bastion')
        self.assertIn('mitogen_via=bastion', str(ctx.exception))


if __name__ == '__main__':
    unittest.main()
