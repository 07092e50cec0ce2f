#!/usr/bin/python
# -*- coding: utf-8 -*-
# Corpus custom module (state_leaks.yml): reports the process state a module can change, then (change=true)
# changes all of it. Under stock Ansible every task is a fresh process, so a later probe always reports the
# fresh state. Must run on Python 3.6 to 3.13.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import logging
import os
import signal
import sys
import threading
import time
import types
import warnings

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.leak_counter import bump

MARKER = 'leak-probe-marker'


def state(work_dir):
    umask = os.umask(0o022)
    os.umask(umask)
    return dict(
        umask='%04o' % umask,
        env=os.environ.get('LEAK_PROBE_ENV'),
        cwd_is_work_dir=os.path.realpath(os.getcwd()) == os.path.realpath(work_dir),
        named_handlers=len(logging.getLogger('leak_probe').handlers),
        root_handlers=len(logging.getLogger().handlers),
        warning_filter=any(getattr(f[1], 'pattern', None) == MARKER for f in warnings.filters),
        stdlib_attr=hasattr(json, 'leak_probe_attr'),
        sys_modules='leak_probe_fake' in sys.modules,
        sys_path='/leak-probe-path' in sys.path,
        util_counter=bump(),
        signal_default=signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL,
        threads=sorted(t.name for t in threading.enumerate() if t.name.startswith('leak-probe')),
    )


def linger(path):
    time.sleep(0.5)
    with open(path, 'w') as f:
        f.write('the thread finished\n')


def change(work_dir):
    os.umask(0o077)
    os.environ['LEAK_PROBE_ENV'] = 'leaked'
    os.chdir(work_dir)
    logging.getLogger('leak_probe').addHandler(logging.NullHandler())
    warnings.filterwarnings('ignore', message=MARKER)
    json.leak_probe_attr = True
    sys.modules['leak_probe_fake'] = types.ModuleType('leak_probe_fake')
    sys.path.append('/leak-probe-path')
    # A non-daemon thread: a Python process waits for it before it exits, so its file exists after the task.
    threading.Thread(target=linger, args=(os.path.join(work_dir, 'thread_done'),), name='leak-probe-thread').start()
    try:
        signal.signal(signal.SIGUSR1, lambda signum, frame: None)
        return True
    except ValueError:
        return False  # not the main thread (a module run in a thread of a reused interpreter): a difference


def main():
    module = AnsibleModule(argument_spec=dict(work_dir=dict(type='path', required=True),
                                              change=dict(type='bool', default=False)))
    before = state(module.params['work_dir'])
    signal_set = change(module.params['work_dir']) if module.params['change'] else None
    module.exit_json(changed=module.params['change'], before=before, signal_set=signal_set)


if __name__ == '__main__':
    main()
