#!/usr/bin/python
# Corpus module of the JSON_ARGS kind: Ansible pastes the arguments into the source. Python 3.6 to 3.13.
import json

ARGS = json.loads(r'''<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>''')
print(json.dumps({'changed': False, 'name': ARGS.get('name'), 'style': 'json_args'}))
