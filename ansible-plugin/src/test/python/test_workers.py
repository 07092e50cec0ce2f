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


class _Tqm(object):
    _terminated = False

    def has_dead_workers(self):
        return False


class _Strategy(object):
    """What wait_on_pending_results uses of StrategyBase: the results deque, the pending count, the drain."""

    def __init__(self, pending):
        import threading
        self._results = workers.SignallingResults()
        self._results_lock = threading.Condition(threading.Lock())
        self._pending_results = pending
        self._tqm = _Tqm()
        self.drains = 0

    def _process_pending_results(self, iterator):
        self.drains += 1
        out = []
        with self._results_lock:
            while self._results:
                out.append(self._results.popleft())
        self._pending_results -= len(out)
        return out


class ResultWait(unittest.TestCase):

    def test_the_main_thread_sleeps_until_a_result_arrives(self):
        import threading
        import time
        strategy = _Strategy(pending=2)
        arrivals = []

        def results_thread():
            for name in ('r1', 'r2'):
                time.sleep(0.3)
                with strategy._results_lock:
                    strategy._results.append(name)
                arrivals.append(time.monotonic())

        t = threading.Thread(target=results_thread)
        t.start()
        got = workers.wait_on_pending_results(strategy, None)
        done = time.monotonic()
        t.join()
        self.assertEqual(got, ['r1', 'r2'])
        self.assertEqual(strategy._pending_results, 0)
        # 0.6 s of waiting: the stock 1 ms poll drains ~600 times; this wakes per result, or every RESULT_WAIT_MAX
        self.assertLessEqual(strategy.drains, 2 + int(0.6 / workers.RESULT_WAIT_MAX) + 2)
        self.assertLess(done - arrivals[-1], 0.05, 'the last result is taken as soon as it arrives')

    def test_a_result_appended_while_draining_is_not_missed(self):
        strategy = _Strategy(pending=2)
        real = strategy._process_pending_results

        def drain_then_race(iterator):
            out = real(iterator)
            if strategy.drains == 1:
                strategy._results.append('late')  # lands after the drain, before the wait
            return out

        strategy._process_pending_results = drain_then_race
        strategy._results.append('first')
        import time
        t0 = time.monotonic()
        self.assertEqual(workers.wait_on_pending_results(strategy, None), ['first', 'late'])
        self.assertLess(time.monotonic() - t0, workers.RESULT_WAIT_MAX / 2)
