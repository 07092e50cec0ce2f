#!/usr/bin/python
# Reports how run_command started its command: fork hooks registered in the parent run before a fork (a
# preexec_fn makes subprocess fork), not before a vfork. The counter lives in `sys` so that an interpreter kept
# between tasks registers its hook once.
import os
import sys

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(umask=dict(type='str')))
    counter = sys.__dict__.setdefault('_spawn_probe_forks', [0])
    if len(counter) == 1:
        os.register_at_fork(before=lambda: counter.__setitem__(0, counter[0] + 1))
        counter.append('hook registered')
    start = counter[0]
    umask = int(module.params['umask'], 8) if module.params['umask'] else None
    rc, out, err = module.run_command(['sh', '-c', 'umask; echo "$SPAWN_PROBE"; echo to-stderr >&2'],
                                      umask=umask, environ_update={'SPAWN_PROBE': 'environment passed'})
    module.exit_json(changed=False, rc=rc, out=out, err=err, forks=counter[0] - start)


if __name__ == '__main__':
    main()
