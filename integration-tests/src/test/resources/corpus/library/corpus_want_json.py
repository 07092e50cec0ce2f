#!/usr/bin/python
# WANT_JSON
# Corpus module of the WANT_JSON kind: gets a path to a JSON file of its arguments. Python 3.6 to 3.13.
import json
import sys

with open(sys.argv[1]) as f:
    args = json.load(f)
print(json.dumps({
    'changed': False,
    'name': args.get('name'),
    'count': args.get('count'),
    # Ansible's own _ansible_* arguments carry temp paths: list the user's only
    'received': sorted(k for k in args if not k.startswith('_ansible_')),
}))
