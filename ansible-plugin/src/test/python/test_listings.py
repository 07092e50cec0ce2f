"""listings.py: plugin listings kept between get_vars calls, in the real ansible-core loaders, and dropped as soon as
a directory is added."""
import os
import shutil
import tempfile
import threading
import unittest

import ansible.vars.clean as clean
import ansible.vars.plugins as vars_plugins
from ansible.inventory.host import Host
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import connection_loader, vars_loader

from ansible_mitogen_engine import listings

EXTRA_VARS_PLUGIN = (
    'from ansible.plugins.vars import BaseVarsPlugin\n'
    'class VarsModule(BaseVarsPlugin):\n'
    '    def get_vars(self, loader, path, entities, cache=True):\n'
    '        return {"from_added_dir": "yes"}\n')

KEEPS_VARS_ITSELF = hasattr(vars_plugins, '_prime_vars_loader')  # ansible-core 2.16+


class KeptListings(unittest.TestCase):

    def setUp(self):
        self.saved = (vars_plugins.vars_loader, clean.connection_loader)
        self.work = tempfile.mkdtemp(prefix='listings-test-')
        self.added = []
        self.kept = listings.install()

    def tearDown(self):
        vars_plugins.vars_loader, clean.connection_loader = self.saved
        for loader, d in self.added:
            loader._extra_dirs.remove(d)
            loader._clear_caches()
        shutil.rmtree(self.work, ignore_errors=True)

    def add_dir(self, loader, name, filename, text):
        d = os.path.realpath(os.path.join(self.work, name))
        os.makedirs(d)
        with open(os.path.join(d, filename), 'w') as f:
            f.write(text)
        loader.add_directory(d)
        self.added.append((loader, d))

    def vars_for_host(self):
        return vars_plugins.get_vars_from_path(DataLoader(), self.work, [Host('h1')], 'task')

    def test_install_is_idempotent_and_names_what_it_keeps(self):
        expected = ['connection plugin paths'] if KEEPS_VARS_ITSELF else ['vars plugins', 'connection plugin paths']
        self.assertEqual(self.kept, expected)
        self.assertEqual(listings.install(), [])
        self.assertIsInstance(clean.connection_loader, listings.ListingLoader)
        self.assertNotIsInstance(clean.connection_loader._real, listings.ListingLoader)

    def test_vars_plugins_listed_once_until_a_directory_is_added(self):
        if KEEPS_VARS_ITSELF:
            self.assertNotIsInstance(vars_plugins.vars_loader, listings.ListingLoader)
            return
        kept = vars_plugins.vars_loader
        self.assertIsInstance(kept, listings.ListingLoader)
        self.assertNotIn('from_added_dir', self.vars_for_host())
        self.vars_for_host()
        self.assertEqual(kept.misses, 1)
        self.add_dir(vars_loader, 'vars_plugins', 'added_vars.py', EXTRA_VARS_PLUGIN)
        list(vars_loader.all(class_only=True))  # someone lists before us: the loader's paths are set again
        self.assertEqual(self.vars_for_host().get('from_added_dir'), 'yes')
        self.assertEqual(kept.misses, 2)
        self.vars_for_host()
        self.assertEqual(kept.misses, 2)

    def test_vars_plugin_instances_are_per_thread(self):
        if KEEPS_VARS_ITSELF:
            return
        kept = vars_plugins.vars_loader
        mine = list(kept.all())
        self.assertTrue(mine)
        self.assertEqual([id(p) for p in kept.all()], [id(p) for p in mine])
        other = []
        t = threading.Thread(target=lambda: other.extend(kept.all()))
        t.start()
        t.join()
        self.assertEqual([type(p) for p in other], [type(p) for p in mine])
        self.assertFalse(set(map(id, other)) & set(map(id, mine)))

    def test_other_arguments_go_to_the_real_loader(self):
        kept = clean.connection_loader
        classes = list(kept.all(class_only=True))
        self.assertIn('local', [c.__module__.rsplit('.', 1)[-1] for c in classes])
        self.assertEqual(kept.misses, 0)

    def test_facts_cleaned_as_stock_and_new_connection_plugins_seen(self):
        facts = {'ansible_ssh_host_key_rsa_public': 'k', 'ansible_ssh_extra': 1, 'ansible_local_thing': 2,
                 'ansible_docker0_bridge': 3, 'ansible_addedconn_port': 4, 'ansible_distribution': 'Debian',
                 'ansible_python_interpreter': '/x', 'keep_me': 5}
        clean.connection_loader, kept = self.saved[1], clean.connection_loader
        stock = clean.clean_facts(dict(facts))
        clean.connection_loader = kept
        self.assertEqual(clean.clean_facts(dict(facts)), stock)
        self.assertEqual(clean.clean_facts(dict(facts)), stock)
        self.assertEqual(kept.misses, 1)
        self.assertIn('ansible_addedconn_port', stock)
        self.add_dir(connection_loader, 'connection_plugins', 'addedconn.py', '# a connection plugin file\n')
        connection_loader.get('local', class_only=True)  # someone looks a plugin up first: paths set again
        self.assertNotIn('ansible_addedconn_port', clean.clean_facts(dict(facts)))
        self.assertEqual(kept.misses, 2)


if __name__ == '__main__':
    unittest.main()
