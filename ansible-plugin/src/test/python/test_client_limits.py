"""The client against daemons that do not answer, and requests over the engine's limit (issue 21)."""
import os
import shutil
import socket
import tempfile
import threading
import time
import unittest

import testlib  # noqa: F401  (puts the plugin on sys.path)
from ansible_mitogen_engine import client as client_mod
from ansible_mitogen_engine.client import EngineClient, EngineError, EngineUnavailable, encode_frame, read_frame


class Limits(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='plugin-test-client-')
        self.path = os.path.join(self.dir, 'engine.sock')
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.held = []

    def tearDown(self):
        for s in self.held:
            s.close()
        self.server.close()
        shutil.rmtree(self.dir)

    def test_a_daemon_that_stopped_accepting_is_named_with_what_to_do(self):
        # What a daemon out of file descriptors looks like from outside: it listens, never accepts, queue full.
        self.server.listen(0)
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect(self.path)
            except BlockingIOError:
                s.close()
                break
            self.held.append(s)
        c = EngineClient(self.path, '2.14', connect_timeout=1.0)
        self.addCleanup(c.close)
        t0 = time.time()
        with self.assertRaises(EngineUnavailable) as cm:
            c.connect()
        self.assertLess(time.time() - t0, 5)
        msg = str(cm.exception)
        self.assertIn(self.path, msg)
        self.assertIn('does not accept connections', msg)
        self.assertIn('kill', msg)

    def test_a_daemon_that_never_answers_the_hello_is_named(self):
        self.server.listen(5)  # accepted by the kernel's queue, never read
        c = EngineClient(self.path, '2.14', connect_timeout=1.0)
        self.addCleanup(c.close)
        t0 = time.time()
        with self.assertRaises(EngineUnavailable) as cm:
            c.connect()
        self.assertLess(time.time() - t0, 5)
        self.assertIn('%s did not answer the hello within 1 s' % self.path, str(cm.exception))

    def _serve(self, replies):
        """Answers hello, then sends each of `replies` (given the request) in turn; records requests."""
        self.server.listen(1)
        seen = []

        def run():
            conn, _ = self.server.accept()
            self.held.append(conn)
            try:
                req = read_frame(conn)
                seen.append(req)
                conn.sendall(encode_frame({'id': req['id'], 'ok': True, 'protocol': 1}))
                for make in replies:
                    req = read_frame(conn)
                    seen.append(req)
                    conn.sendall(encode_frame(make(req)))
            except (OSError, client_mod.EngineUnavailable):
                pass
        t = threading.Thread(target=run)
        t.daemon = True
        t.start()
        return seen

    def test_a_request_over_the_limit_is_refused_naming_it_and_never_sent(self):
        seen = self._serve([lambda req: {'id': req['id'], 'ok': True, 'rc': 0}])
        c = EngineClient(self.path, '2.14', connect_timeout=5.0)
        self.addCleanup(c.close)
        c.connect()
        module = {'fqn': 'ansible.modules.command', 'params': 'x' * (client_mod.MAX_REQUEST + 1)}
        with self.assertRaises(EngineError) as cm:
            c.call('exec_module', target={'host': 'h'}, module=module)
        self.assertEqual('bad_request', cm.exception.kind)
        self.assertIn('exec_module ansible.modules.command', cm.exception.msg)
        self.assertIn('limit of 67108864 bytes', cm.exception.msg)
        # The socket is still in step: the next request is answered.
        self.assertEqual(0, c.call('exec_command', target={'host': 'h'}, cmd='true')['rc'])
        self.assertEqual(['hello', 'exec_command'], [r['op'] for r in seen])

    def test_a_refusal_without_an_id_is_an_engine_error(self):
        self._serve([lambda req: {'id': None, 'ok': False,
                                  'error': {'kind': 'bad_request', 'msg': 'request is not valid JSON'}}])
        c = EngineClient(self.path, '2.14', connect_timeout=5.0)
        self.addCleanup(c.close)
        c.connect()
        with self.assertRaises(EngineError) as cm:
            c.call('exec_command', target={'host': 'h'}, cmd='true')
        self.assertEqual('bad_request', cm.exception.kind)


if __name__ == '__main__':
    unittest.main()
