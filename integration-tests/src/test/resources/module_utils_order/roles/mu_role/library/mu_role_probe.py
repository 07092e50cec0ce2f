#!/usr/bin/python
# The role's own module: which copy of mu_order it imported.
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.mu_order import WHERE


def main():
    module = AnsibleModule(argument_spec={})
    module.exit_json(changed=False, where=WHERE)


if __name__ == '__main__':
    main()
