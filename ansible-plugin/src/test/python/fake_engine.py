"""A stand-in for the Java engine, speaking docs/protocol.md section 1, for the plugin's own tests.

It records every request (secrets included: tests only) as one JSON line and does the work
locally, the way stock Ansible would: a module's AnsiballZ ZIP is run by a fresh interpreter
with the same steps as the wrapper (so results match stock), commands by /bin/sh -c.
Become is not done (the tests run as one user); the request is recorded.

    python3 fake_engine.py SOCKET RECORD_FILE [--features f1,f2] [--fail-kind KIND]
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading

RUNPY_RUNNER = r'''
import base64, json, os, runpy, shutil, sys, tempfile
m = json.loads(sys.stdin.read())
sys.stdin = open(os.devnull)
d = tempfile.mkdtemp()
try:
    z = os.path.join(d, 'payload.zip')
    with open(z, 'wb') as f:
        f.write(base64.b64decode(m['zip_b64']))
    sys.path.insert(0, z)
    params = m['params'].encode('utf-8')
    fqn = m['fqn']
    if m.get('runner') == 'loader':
        from ansible.module_utils._internal._ansiballz import _loader
        kw = {'secrets': frozenset(m['secrets'])} if 'secrets' in m else {}  # 2.22+
        _loader.run_module(json_params=params, profile=m['profile'], module_fqn=fqn, modlib_path=z, extensions={},
                           **kw)
    else:
        from ansible.module_utils import basic
        basic._ANSIBLE_ARGS = params
        runpy.run_module(mod_name=fqn, init_globals=dict(_module_fqn=fqn, _modlib_path=z),
                         run_name='__main__', alter_sys=True)
finally:
    shutil.rmtree(d, ignore_errors=True)
'''


def read_frame(conn):
    head = b''
    while len(head) < 4:
        chunk = conn.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    (n,) = struct.unpack('>I', head)
    body = b''
    while len(body) < n:
        chunk = conn.recv(n - len(body))
        if not chunk:
            return None
        body += chunk
    return json.loads(body.decode('utf-8'))


def write_frame(conn, obj):
    body = json.dumps(obj).encode('utf-8')
    conn.sendall(struct.pack('>I', len(body)) + body)


class FakeEngine(object):
    def __init__(self, path, record, features=(), fail_kind=None):
        self.path = path
        self.record = record
        self.features = list(features)
        self.fail_kind = fail_kind
        self.lock = threading.Lock()
        self.zips = {}

    def log(self, req):
        with self.lock:
            with open(self.record, 'a') as f:
                f.write(json.dumps(req) + '\n')

    def result(self, proc_args, stdin, env=None, cwd=None):
        p = subprocess.run(proc_args, input=stdin or b'', stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=cwd)
        return {'rc': p.returncode, 'stdout_b64': base64.b64encode(p.stdout).decode(),
                'stderr_b64': base64.b64encode(p.stderr).decode()}

    def handle(self, req):
        op = req.get('op')
        self.log(req)
        if op == 'hello':
            return {'protocol': 1, 'engine_version': 'fake', 'features': self.features}
        if self.fail_kind:
            raise EngineFailure(self.fail_kind, 'fake engine refuses %s for %s'
                                % (op, req['target'].get('inventory_name')))
        if op == 'exec_module':
            m = req['module']
            if 'zip_b64' in m:
                with self.lock:
                    self.zips[m['zip_sha1']] = m['zip_b64']
            elif 'module_by_digest' in self.features and m['zip_sha1'] in self.zips:
                m = dict(m, zip_b64=self.zips[m['zip_sha1']])
            else:
                raise EngineFailure('need_zip', 'fake engine holds no ZIP %s' % m['zip_sha1'])
            env = dict(os.environ)
            env.update(m.get('env') or {})
            return self.result(m['interpreter'].split() + ['-c', RUNPY_RUNNER], json.dumps(m).encode(), env,
                               m.get('cwd'))
        if op == 'exec_command':
            stdin = base64.b64decode(req['stdin_b64']) if req.get('stdin_b64') else None
            shell = req.get('shell') or {}
            if shell.get('login'):
                import pwd
                argv = [pwd.getpwuid(os.getuid()).pw_shell or '/bin/sh', '-c', req['cmd']]
            else:
                argv = [shell.get('path') or '/bin/sh', '-c', req['cmd']]
            return self.result(argv, stdin, None, req.get('chdir'))
        if op == 'put_file':
            shutil.copyfile(req['src'], req['dst'])
            return {}
        if op == 'fetch_file':
            if not os.path.exists(req['src']):
                raise EngineFailure('failed', 'no such file %s on %s' % (req['src'], req['target']['inventory_name']))
            shutil.copyfile(req['src'], req['dst'])
            return {}
        if op in ('reset', 'shutdown'):
            return {}
        raise EngineFailure('bad_request', 'unknown op %s' % op)

    def serve_client(self, conn):
        with conn:
            while True:
                req = read_frame(conn)
                if req is None:
                    return
                try:
                    reply = self.handle(req)
                    reply.update(id=req.get('id'), ok=True, logs=['fake engine did %s' % req.get('op')])
                except EngineFailure as e:
                    reply = {'id': req.get('id'), 'ok': False,
                             'error': {'kind': e.kind, 'msg': e.msg, 'host': None},
                             'logs': ['fake engine log before the %s failure' % e.kind]}
                except Exception as e:
                    reply = {'id': req.get('id'), 'ok': False,
                             'error': {'kind': 'internal', 'msg': 'fake engine: %r' % (e,)}}
                write_frame(conn, reply)

    def serve(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(self.path)
        srv.listen(64)
        print('ready', flush=True)
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=self.serve_client, args=(conn,), daemon=True).start()


class EngineFailure(Exception):
    def __init__(self, kind, msg):
        super(EngineFailure, self).__init__(msg)
        self.kind = kind
        self.msg = msg


def main(argv):
    features = []
    fail_kind = None
    if '--features' in argv:
        features = argv[argv.index('--features') + 1].split(',')
    if '--fail-kind' in argv:
        fail_kind = argv[argv.index('--fail-kind') + 1]
    FakeEngine(argv[1], argv[2], features, fail_kind).serve()


if __name__ == '__main__':
    main(sys.argv)
