# -*- coding: utf-8 -*-
# Test kit stdout callback: the default screen output, plus every task result as one JSON line in a file.
#
# Why a stdout callback and not a notification one: ansible-core calls the stdout callback first, and the
# default callback edits the result it is given (it deletes 'warnings', 'deprecations', and most keys of a
# debug result). Recording here, before handing the result on, keeps the result exactly as the task returned it.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = '''
    name: testkit_json
    type: stdout
    short_description: default output plus machine-readable task results for the test kit
    description:
      - Prints what the default callback prints, and appends one JSON object per task result and one per
        host recap to the file named by the TESTKIT_RESULTS_FILE environment variable.
    extends_documentation_fragment:
      - default_callback
      - result_format_callback
    requirements:
      - set as stdout callback
'''

import json
import os

from ansible.plugins.callback.default import CallbackModule as DefaultCallbackModule

try:
    from ansible.module_utils.common.json import AnsibleJSONEncoder
except ImportError:  # older layouts
    from ansible.parsing.ajson import AnsibleJSONEncoder


def _result_parts(result):
    """(task, host, result dict) of a task result, through the public names where this ansible-core has them."""
    task = getattr(result, 'task', None) or result._task
    host = getattr(result, 'host', None) or result._host
    res = getattr(result, 'result', None)
    if not isinstance(res, dict):
        res = result._result
    return task, host, res


class CallbackModule(DefaultCallbackModule):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'testkit_json'

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._testkit_path = os.environ.get('TESTKIT_RESULTS_FILE')
        self._testkit_play = None

    def _testkit_write(self, record):
        if not self._testkit_path:
            return
        try:
            line = json.dumps(record, cls=AnsibleJSONEncoder, sort_keys=True)
        except (TypeError, ValueError):
            # a value the encoder cannot represent must not lose the whole record
            line = json.dumps(record, default=repr, sort_keys=True)
        with open(self._testkit_path, 'a') as f:
            f.write(line + '\n')

    def _testkit_task(self, result, status, ignore_errors=False):
        task, host, res = _result_parts(result)
        warnings = getattr(result, 'warnings', None)
        if warnings and 'warnings' not in res:
            # ansible-core 2.19+ keeps warnings beside the result dict, not in it
            res = dict(res)
            res['warnings'] = [getattr(w, 'msg', None) or str(w) for w in warnings]
        if status == 'ok' and res.get('changed'):
            status = 'changed'
        self._testkit_write({
            'type': 'task',
            'play': self._testkit_play,
            'task': task.get_name(),
            'action': task.action,
            'host': host.get_name(),
            'status': status,
            'ignore_errors': bool(ignore_errors),
            'handler': type(task).__name__ == 'Handler',
            'result': res,
        })

    def v2_playbook_on_play_start(self, play):
        self._testkit_play = play.get_name()
        super(CallbackModule, self).v2_playbook_on_play_start(play)

    def v2_runner_on_ok(self, result):
        self._testkit_task(result, 'ok')
        super(CallbackModule, self).v2_runner_on_ok(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._testkit_task(result, 'failed', ignore_errors)
        super(CallbackModule, self).v2_runner_on_failed(result, ignore_errors=ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._testkit_task(result, 'skipped')
        super(CallbackModule, self).v2_runner_on_skipped(result)

    def v2_runner_on_unreachable(self, result):
        self._testkit_task(result, 'unreachable')
        super(CallbackModule, self).v2_runner_on_unreachable(result)

    def v2_playbook_on_stats(self, stats):
        for host in sorted(stats.processed.keys()):
            self._testkit_write({'type': 'stats', 'host': host, 'stats': stats.summarize(host)})
        super(CallbackModule, self).v2_playbook_on_stats(stats)
