"""workers.py on its own: the mode setting, the check of ansible-core's worker interfaces, and a thread worker
whose result cannot reach the strategy (a fault the real runs cannot provoke: the final queue pickles in its own
thread)."""
import io
import sys
import unittest

import testlib  # noqa: F401  (puts the plugin on sys.path)
from ansible.errors import AnsibleError

from ansible_mitogen_engine import workers


class Mode(unittest.TestCase):

    def test_default_and_values(self):
        self.assertEqual(workers.requested_mode({}), 'thread')
        self.assertEqual(workers.requested_mode({'ANSIBLE_MITOGEN_WORKERS': ' Fork '}), 'fork')
        with self.assertRaises(AnsibleError) as e:
            workers.requested_mode({'ANSIBLE_MITOGEN_WORKERS': 'many'})
        self.assertIn("ANSIBLE_MITOGEN_WORKERS='many'", str(e.exception))

    def test_this_ansible_core_takes_thread_workers(self):
        # The ansible-core these tests run with (2.14 on Debian 12) is the line thread workers are written for.
        self.assertIsNone(workers.unsupported_reason())
        self.assertEqual(workers.choose({}), 'thread')


class _Task(object):
    def copy(self, **kw):
        raise RuntimeError('cannot copy this task')


class _Host(object):
    name = 'h1'


class _Queue(object):
    def __init__(self):
        self.sent = []

    def send_task_result(self, *args, **kwargs):
        self.sent.append(args)


class LostResult(unittest.TestCase):

    def test_worker_that_sends_nothing_reads_as_dead(self):
        q = _Queue()
        w = workers.ThreadWorker(q, {}, _Host(), _Task(), None, None, None, None)
        err, sys.stderr = sys.stderr, io.StringIO()
        try:
            w.start()
            w.join(10)
            text = sys.stderr.getvalue()
        finally:
            sys.stderr = err
        self.assertFalse(w.is_alive())
        self.assertEqual(q.sent, [])
        # StrategyBase asks TaskQueueManager.has_dead_workers(), which reads a true exitcode as a dead worker.
        self.assertEqual(w.exitcode, 1)
        self.assertIn('the worker for h1 lost its result', text)
        self.assertIn('cannot copy this task', text)


if __name__ == '__main__':
    unittest.main()
