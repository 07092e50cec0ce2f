# Copyright the ansible-mitogen-for-Jenkins authors.
"""The on/off rule; the engine's SwitchTest.java holds the same table for Switch.java."""
import unittest

from ansible_mitogen_engine import switch

TABLE = {
    '': False, '  ': False, '0': False, 'false': False, 'False': False, 'no': False, ' NO ': False, 'off': False,
    'n': False, '1': True, 'true': True, 'yes': True, 'on': True, 'y': True, '2': True, 'anything': True,
}


class SwitchTest(unittest.TestCase):
    def test_off_words_are_off_and_everything_else_is_on(self):
        for value, expected in TABLE.items():
            self.assertEqual(switch.on(value), expected, repr(value))
        self.assertFalse(switch.on(None))
        self.assertTrue(switch.on(None, default=True))
        self.assertFalse(switch.env_on('X', default=True, env={'X': 'no'}))
        self.assertTrue(switch.env_on('X', default=True, env={}))

    def test_same_table_as_the_engine(self):
        import os
        import re
        here = os.path.dirname(os.path.abspath(__file__))
        java = os.path.join(here, '..', '..', '..', '..', 'engine', 'src', 'test', 'java', 'io', 'ansiblemitogen',
                            'wire', 'SwitchTest.java')
        with open(java) as f:
            entries = re.findall(r'Map\.entry\("([^"]*)", (true|false)\)', f.read())
        self.assertEqual(dict((k, v == 'true') for k, v in entries), TABLE)


if __name__ == '__main__':
    unittest.main()
