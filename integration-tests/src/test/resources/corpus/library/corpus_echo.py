#!/usr/bin/python
# -*- coding: utf-8 -*-
# Corpus custom module: echoes text through a custom module_util. Must run on Python 3.6 to 3.13.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.corpus_helper import HELPER_VERSION, shout


def main():
    module = AnsibleModule(
        argument_spec=dict(
            text=dict(type='str', required=True),
            times=dict(type='int', default=1),
            fail=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if p['fail']:
        module.fail_json(msg='corpus_echo was asked to fail with text %r' % p['text'], text=p['text'])
    module.exit_json(
        changed=not module.check_mode,
        check_mode=module.check_mode,
        echoed=' '.join([p['text']] * p['times']),
        shouted=shout(p['text']),
        helper_version=HELPER_VERSION,
    )


if __name__ == '__main__':
    main()
