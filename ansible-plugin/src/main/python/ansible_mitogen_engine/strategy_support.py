# Copyright the ansible-mitogen-for-Jenkins authors.
"""What mitogen_linear and mitogen_free add to the stock strategies.

Everything happens when the strategy is built, in the controller process,
before any worker starts: version and feature checks, connection plugin
routing, the engine hand-shake (so a missing engine fails the run at once,
never falling back to stock), the plugin listings kept between tasks
(listings.py), the choice of thread or forked task workers (workers.py), and
the context mitogen_via needs.
"""
from __future__ import absolute_import, division, print_function

import collections

from ansible.errors import AnsibleError
from ansible.utils.display import Display

from ansible_mitogen_engine import compat, copy_digests, install, listings, locator, module_scan, vias, workers
from ansible_mitogen_engine.client import EngineUnavailable

display = Display()


class EngineStrategyMixin(object):

    def __init__(self, tqm):
        compat.check_version(warn=display.warning)
        compat.check_features()
        install.install()
        listings.install(note=display.vvv)
        module_scan.install(note=display.vvv)
        copy_digests.install(note=display.vvv)
        try:
            info = locator.check_engine()
        except EngineUnavailable as e:
            raise AnsibleError('ansible-mitogen: %s' % e)
        display.vvv('ansible-mitogen: engine %s at %s' % (info.get('engine_version', '?'), locator.get_client().path))
        super(EngineStrategyMixin, self).__init__(tqm)
        self._engine_workers = workers.choose(warn=display.warning, note=display.vvv)
        display.vvv('ansible-mitogen: task workers are %ss' % self._engine_workers)
        if self._engine_workers == 'thread':
            if isinstance(getattr(self, '_results', None), collections.deque):
                with self._results_lock:
                    self._results = workers.SignallingResults(self._results)
            else:
                display.vvv('ansible-mitogen: StrategyBase._results is not a deque here (checked on 2.14); '
                            'results are polled as stock does')
        if self._engine_workers == 'thread' or compat.workers_are_forked():
            vias.set_context(self._inventory, self._variable_manager, self._loader)
        # Workers open their own socket; the controller's is not needed any more.
        locator.get_client().close()

    def _wait_on_pending_results(self, iterator):
        if isinstance(getattr(self, '_results', None), workers.SignallingResults):
            return workers.wait_on_pending_results(self, iterator)
        return super(EngineStrategyMixin, self)._wait_on_pending_results(iterator)

    def _queue_task(self, host, task, task_vars, play_context):
        if self._engine_workers != 'thread':
            return super(EngineStrategyMixin, self)._queue_task(host, task, task_vars, play_context)
        with workers.worker_for_queue_task(task):
            return super(EngineStrategyMixin, self)._queue_task(host, task, task_vars, play_context)
