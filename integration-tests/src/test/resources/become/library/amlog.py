#!/usr/bin/python3
# A module that uses Python's logging and warnings and writes straight to file descriptor 2, as libraries do:
# what Ansible shows of it through the engine at -vvv (issue 3, item 9).
import logging
import os
import warnings

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(marker=dict(type='str', required=True),
                                              secret=dict(type='str', no_log=True)),
                           supports_check_mode=True)
    marker = module.params['marker']
    logging.getLogger('amtest.module').warning('logging-%s', marker)
    warnings.warn('warnings-%s' % marker)
    os.write(2, ('stray-%s\n' % marker).encode())
    module.exit_json(changed=False, marker=marker)


if __name__ == '__main__':
    main()
