"""The mode a fetched file is left with, as stock's transfers leave it (OpenSSH sftp, scp, open(..., 'wb'))."""
import os
import tempfile
import unittest

import testlib  # noqa: F401  (puts the plugin on sys.path)
from ansible_mitogen_engine import fetched_mode


class CreationModeTest(unittest.TestCase):
    def test_sftp_adds_owner_write_to_the_remote_bits(self):
        self.assertEqual(0o644, fetched_mode.creation_mode('sftp', '444'))
        self.assertEqual(0o755, fetched_mode.creation_mode('sftp', '4755'))  # set-id bits are not carried
        self.assertEqual(0o600, fetched_mode.creation_mode('sftp', '600'))

    def test_scp_keeps_the_remote_bits(self):
        self.assertEqual(0o444, fetched_mode.creation_mode('scp', '444'))

    def test_plain_writes_and_unknown_remote_modes_are_0666(self):
        self.assertEqual(0o666, fetched_mode.creation_mode('plain', '600'))
        self.assertEqual(0o666, fetched_mode.creation_mode('sftp', None))


class ApplyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, 'f')
        with open(self.path, 'w') as f:
            f.write('x')
        self.old = os.umask(0o027)

    def tearDown(self):
        os.umask(self.old)
        os.unlink(self.path)
        os.rmdir(self.dir)

    def test_the_controllers_umask_narrows_a_new_file(self):
        self.assertEqual(0o027, fetched_mode.controller_umask())
        fetched_mode.apply(self.path, None, 'sftp', '755')
        self.assertEqual(0o750, os.stat(self.path).st_mode & 0o7777)

    def test_an_existing_file_keeps_its_mode(self):
        fetched_mode.apply(self.path, 0o604, 'sftp', '755')
        self.assertEqual(0o604, os.stat(self.path).st_mode & 0o7777)


if __name__ == '__main__':
    unittest.main()
