# Copyright the ansible-mitogen-for-Jenkins authors.
"""Task workers as threads of the controller process instead of forked processes.

Stock Ansible forks the controller for every task of every host. Through the engine a task's worker mostly waits
for one reply on a socket, and the fork costs more than the rest of the task: copying the page tables of a large
Python process, then faulting its pages back in as both sides touch them (about 6 ms of system CPU per task on a
2-core machine). A thread runs the same TaskExecutor in the controller, with no fork and with the plugin
loaders' caches kept warm from task to task.

A fork isolated the worker for free; a thread must isolate itself where TaskExecutor writes:
- the task: post_validate templates the task and its parent block in place, so the worker runs a copy (the
  block without its task list, as `_process_pending_results` copies it);
- the task vars: loops set their loop variables in the dict given to TaskExecutor, so it gets a shallow copy;
- the result: it goes through the same final queue as from a process, so the controller receives a pickled copy;
- the host: WorkerProcess empties its host's vars and groups before sending (in its own copy); a thread never
  does, that would be the controller's host;
- plugin loading: PluginLoader._load_module_source puts a plugin's module in sys.modules before running its code
  and hands out whatever is there, so a second thread loading the same plugin at that moment would get a module
  without its class. Loading takes a lock (plugins already loaded cost a dict look-up, as before).

Some tasks still get a forked worker: those whose controller-side code arms SIGALRM, which Python lets only a
process's main thread do (the task `timeout` keyword, handled by TaskExecutor, and the `pause` action).

ANSIBLE_MITOGEN_WORKERS selects `thread` (the default) or `fork` (stock). Threads are used only where this
ansible-core's WorkerProcess and TaskExecutor take exactly the arguments this module passes (those of 2.14,
tested on 2.14.18); elsewhere the workers fork (2.19's take a worker id and CLI args, and add a per-worker
queue, stdio capture and signal handling; the releases between were not checked).
The private hooks (StrategyBase._queue_task creating `WorkerProcess` by its module-level name, and
PluginLoader._load_module_source) are listed in docs/ansible-plugin.md.
"""
from __future__ import absolute_import, division, print_function

import collections
import contextlib
import inspect
import os
import sys
import threading
import traceback

from ansible.errors import AnsibleConnectionFailure, AnsibleError

from ansible_mitogen_engine import locator

MODE_ENV = 'ANSIBLE_MITOGEN_WORKERS'
MODES = ('thread', 'fork')

# The parameters this module passes, by position, to the WorkerProcess it stands in for and to TaskExecutor.
_WORKER_PARAMS = ('final_q', 'task_vars', 'host', 'task', 'play_context', 'loader', 'variable_manager',
                  'shared_loader_obj')
_EXECUTOR_PARAMS = ('host', 'task', 'job_vars', 'play_context', 'new_stdin', 'loader', 'shared_loader_obj',
                    'final_q')
_LOAD_SOURCE_PARAMS = ('name', 'path')
_load_lock = threading.RLock()
# Actions whose plugin calls signal.signal/alarm (main thread only).
_SIGNAL_ACTIONS = frozenset(('pause', 'ansible.builtin.pause', 'ansible.legacy.pause'))


def requested_mode(env=None):
    env = os.environ if env is None else env
    raw = (env.get(MODE_ENV) or 'thread').strip().lower()
    if raw not in MODES:
        raise AnsibleError('ansible-mitogen: %s=%r is not one of %s' % (MODE_ENV, env.get(MODE_ENV), ', '.join(MODES)))
    return raw


class SignallingResults(collections.deque):
    """The strategy's deque of task results, which also wakes the controller's main thread when one arrives.

    Stock StrategyBase._wait_on_pending_results polls that deque every DEFAULT_INTERNAL_POLL_INTERVAL (1 ms). With
    forked workers the poll runs alone; with thread workers it takes the GIL from the worker threads a thousand
    times a second: in a 40-item copy/template play about a sixth of the controller's samples sat in that loop.
    The stock results thread appends to this deque as to its own; `arrived` lets the wait sleep until then."""

    def __init__(self, items=()):
        super(SignallingResults, self).__init__(items)
        self.arrived = threading.Event()

    def append(self, item):
        super(SignallingResults, self).append(item)
        self.arrived.set()


# The longest a waiting main thread goes without checking the stock conditions (dead workers, a terminated run).
RESULT_WAIT_MAX = 0.1


def wait_on_pending_results(strategy, iterator):
    """StrategyBase._wait_on_pending_results (ansible-core 2.14) with the poll replaced by a wait on `arrived`.

    The flag is cleared before the deque is drained, so a result appended at any point wakes the next wait."""
    results = strategy._results
    ret_results = []
    while strategy._pending_results > 0 and not strategy._tqm._terminated:
        if strategy._tqm.has_dead_workers():
            raise AnsibleError("A worker was found in a dead state")
        results.arrived.clear()
        ret_results.extend(strategy._process_pending_results(iterator))
        if strategy._pending_results > 0:
            results.arrived.wait(RESULT_WAIT_MAX)
    return ret_results


def _params(func):
    try:
        return tuple(p for p in inspect.signature(func).parameters if p != 'self')
    except (TypeError, ValueError):
        return None


def unsupported_reason():
    """None if thread workers can stand in for this ansible-core's WorkerProcess, else why not."""
    import ansible.plugins.strategy as strategy_module
    from ansible.executor.task_executor import TaskExecutor

    stock = getattr(strategy_module, 'WorkerProcess', None)
    if stock is None:
        return 'ansible.plugins.strategy has no WorkerProcess'
    if _params(stock.__init__) != _WORKER_PARAMS:
        return 'WorkerProcess takes %s' % (_params(stock.__init__),)
    if _params(TaskExecutor.__init__) != _EXECUTOR_PARAMS:
        return 'TaskExecutor takes %s' % (_params(TaskExecutor.__init__),)
    if not callable(getattr(getattr(strategy_module, 'StrategyBase', None), '_queue_task', None)):
        return 'StrategyBase has no _queue_task'
    from ansible.plugins.loader import PluginLoader
    if _params(getattr(PluginLoader, '_load_module_source', None)) != _LOAD_SOURCE_PARAMS:
        return 'PluginLoader._load_module_source is not (name, path)'
    return None


def _serialise_plugin_loading():
    from ansible.plugins.loader import PluginLoader

    stock = PluginLoader._load_module_source
    if getattr(stock, 'ansible_mitogen_locked', False):
        return

    def _load_module_source(self, name, path):
        with _load_lock:
            return stock(self, name, path)

    _load_module_source.ansible_mitogen_locked = True
    PluginLoader._load_module_source = _load_module_source


def choose(env=None, warn=None, note=None):
    """The mode this run uses: the requested one, or `fork` where threads cannot work, saying why through `warn`
    if the user asked for threads, else through `note`."""
    env = os.environ if env is None else env
    mode = requested_mode(env)
    if mode == 'thread':
        reason = unsupported_reason()
        if reason is not None:
            say = warn if env.get(MODE_ENV) else note
            if say is not None:
                say('ansible-mitogen: task workers fork as stock Ansible does (%s, not what thread workers '
                    'expect)' % reason)
            return 'fork'
        _serialise_plugin_loading()
    return mode


def needs_process(task):
    """Whether this task must run in a forked worker: it arms SIGALRM on the controller. A templated timeout
    counts as set (its value is known only in the worker)."""
    if task.action in _SIGNAL_ACTIONS:
        return True
    timeout = task.timeout
    return bool(timeout) and str(timeout).strip() != '0'


def _forked_worker_class(stock):
    """The stock WorkerProcess, forking only when no thread holds the plugin-load lock: the child keeps just the
    forking thread, and a lock held by another would stay held in it for good."""

    class ForkedWorker(stock):
        def start(self):
            with _load_lock:
                return super(ForkedWorker, self).start()

    return ForkedWorker


_forked_workers = {}


@contextlib.contextmanager
def worker_for_queue_task(task):
    """While the strategy queues this task, its `WorkerProcess` is ThreadWorker, or for a task that needs a
    process of its own, the stock one behind the plugin-load lock."""
    import ansible.plugins.strategy as strategy_module

    stock = strategy_module.WorkerProcess
    if needs_process(task):
        if stock not in _forked_workers:
            _forked_workers[stock] = _forked_worker_class(stock)
        strategy_module.WorkerProcess = _forked_workers[stock]
    else:
        strategy_module.WorkerProcess = ThreadWorker
    try:
        yield
    finally:
        strategy_module.WorkerProcess = stock


def _private_stdin():
    # As WorkerProcess._save_stdin: a terminal stays usable by the task (pause, prompts), anything else is null.
    try:
        if sys.stdin is not None and sys.stdin.isatty():
            return os.fdopen(os.dup(sys.stdin.fileno()))
    except (AttributeError, ValueError, OSError):
        pass
    return open(os.devnull)


class ThreadWorker(threading.Thread):
    """Stands in for WorkerProcess: the same constructor, start(), is_alive(), exitcode and terminate()."""

    def __init__(self, final_q, task_vars, host, task, play_context, loader, variable_manager, shared_loader_obj):
        super(ThreadWorker, self).__init__(name='ansible-worker %s' % host.name)
        self.daemon = True  # a run interrupted by Ctrl-C must not wait for a module that may never end
        self.exitcode = None
        self._final_q = final_q
        self._task_vars = task_vars
        self._host = host
        self._task = task
        self._play_context = play_context
        self._loader = loader
        self._shared_loader_obj = shared_loader_obj
        self._new_stdin = None

    def start(self):
        self._new_stdin = _private_stdin()
        super(ThreadWorker, self).start()

    def _execute(self, task):
        from ansible.executor.task_executor import TaskExecutor

        try:
            return TaskExecutor(self._host, task, dict(self._task_vars), self._play_context, self._new_stdin,
                                self._loader, self._shared_loader_obj, self._final_q).run()
        except AnsibleConnectionFailure:
            return dict(unreachable=True)
        except BaseException:
            # Whatever it was (SystemExit from a plugin included), the strategy waits for a result: send one.
            return dict(failed=True, exception=traceback.format_exc(), stdout='')

    def terminate(self):
        # A thread cannot be killed; the strategy calls this only for workers still running at its end, and
        # those are daemon threads that end with the controller.
        pass

    def run(self):
        try:
            task = self._task.copy(exclude_parent=False, exclude_tasks=True)
            result = self._execute(task)
            self._final_q.send_task_result(self._host.name, task._uuid, result, task_fields=task.dump_attrs())
        except BaseException:
            # No result reached the strategy: tell it this worker died, as a dead process would.
            self.exitcode = 1
            sys.stderr.write('ansible-mitogen: the worker for %s lost its result:\n%s'
                             % (self._host.name, traceback.format_exc()))
        finally:
            try:
                self._new_stdin.close()
            except Exception:
                pass
            locator.release_thread_client()
