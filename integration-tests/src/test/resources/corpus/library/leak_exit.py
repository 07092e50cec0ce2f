#!/usr/bin/python
# -*- coding: utf-8 -*-
# Corpus custom module (state_leaks.yml): ends the way it is told, as no well-behaved module does. Must run on
# Python 3.6 to 3.13.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(how=dict(type='str', required=True)))
    how = module.params['how']
    if how == 'os_exit':
        # print() into a pipe is buffered: os._exit skips the flush, so the result never leaves the process.
        print('{"changed": false, "msg": "never seen"}')
        os._exit(3)
    if how == 'os_exit_flushed':
        sys.stdout.write('{"changed": false, "msg": "flushed before os._exit"}\n')
        sys.stdout.flush()
        os._exit(0)
    if how == 'exception':
        raise KeyError('leak_exit raised on purpose')
    module.exit_json(changed=False, msg='ended normally')


if __name__ == '__main__':
    main()
