#!/usr/bin/python
# Reports which copy of the module_util mu_order it imported: the role's, the playbook's or the configured one.
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.mu_order import WHERE


def main():
    module = AnsibleModule(argument_spec={})
    module.exit_json(changed=False, where=WHERE)


if __name__ == '__main__':
    main()
