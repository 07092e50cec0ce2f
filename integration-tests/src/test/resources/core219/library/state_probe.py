#!/usr/bin/python
# A module that leaves traces in ansible.module_utils' globals (warnings, deprecations) or ends badly, so a
# playbook can show whether the next module run in a reused interpreter still sees them.
from ansible.module_utils.basic import AnsibleModule


def main():
    m = AnsibleModule(argument_spec=dict(
        warn=dict(type='str'),
        deprecate=dict(type='str'),
        crash=dict(type='bool', default=False),
        no_exit=dict(type='bool', default=False),
    ))
    if m.params['warn']:
        m.warn(m.params['warn'])
    if m.params['deprecate']:
        m.deprecate(m.params['deprecate'], version='99.0', collection_name='ansible.builtin')
    if m.params['crash']:
        raise RuntimeError('state_probe crashed on purpose')
    if m.params['no_exit']:
        return
    m.exit_json(changed=False, seen=sorted(k for k, v in m.params.items() if v))


if __name__ == '__main__':
    main()
