"""Shared helpers: where the plugin is, real payloads from the installed ansible-core, a fake engine."""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN_ROOT = os.path.abspath(os.path.join(HERE, '..', '..', 'main', 'python'))
STRATEGY_DIR = os.path.join(PLUGIN_ROOT, 'strategy')
if PLUGIN_ROOT not in sys.path:
    sys.path.insert(0, PLUGIN_ROOT)

# A run must never take long; a hang is a failure.
RUN_TIMEOUT = 180

# Ansible's controller-side temp dir (ANSIBLE_LOCAL_TEMP) for every run of this test process.
LOCAL_TEMP = tempfile.mkdtemp(prefix='plugin-test-ansible-tmp-')
atexit.register(shutil.rmtree, LOCAL_TEMP, True)


def build_wrapper(module_name, args, task_vars=None):
    """The AnsiballZ wrapper ansible-core pipes to the target for this module (real, not a fixture)."""
    from ansible.executor.module_common import modify_module
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import module_loader
    from ansible.template import Templar

    path = module_loader.find_plugin(module_name)
    tv = {'ansible_python_interpreter': '/usr/bin/python3'}
    tv.update(task_vars or {})
    data, style, shebang = modify_module(module_name, path, args, Templar(DataLoader()), task_vars=tv,
                                         module_compression='ZIP_DEFLATED')  # ansible-core's default
    return data


class FakeEngineProcess(object):
    def __init__(self, *extra_args):
        self.dir = tempfile.mkdtemp(prefix='plugin-test-engine-')
        os.chmod(self.dir, 0o700)
        self.socket = os.path.join(self.dir, 'engine.sock')
        self.record = os.path.join(self.dir, 'requests.jsonl')
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, 'fake_engine.py'), self.socket,
                                      self.record] + list(extra_args), stdout=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if line.strip() != b'ready':
            self.close()
            raise RuntimeError('fake engine did not start: %r' % line)

    def requests(self, op=None):
        if not os.path.exists(self.record):
            return []
        with open(self.record) as f:
            reqs = [json.loads(line) for line in f]
        return [r for r in reqs if op is None or r['op'] == op]

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def ansible_env(socket_path, **extra):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith('ANSIBLE_'):
            del env[k]
    env.update(ANSIBLE_STRATEGY_PLUGINS=STRATEGY_DIR, ANSIBLE_STRATEGY='mitogen_linear',
               ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='False',
               ANSIBLE_LOCAL_TEMP=LOCAL_TEMP,
               PYTHONDONTWRITEBYTECODE='1')
    if socket_path is not None:
        env['ANSIBLE_MITOGEN_SOCKET'] = socket_path
    env.update(extra)
    return env


CONNECTION_DIR = os.path.join(PLUGIN_ROOT, 'connection')


def connection_env(socket_path, **extra):
    """ansible_env for the connection mode: our connection plugins in connection_plugins, no strategy plugin."""
    env = ansible_env(socket_path, ANSIBLE_CONNECTION_PLUGINS=CONNECTION_DIR, **extra)
    del env['ANSIBLE_STRATEGY_PLUGINS']
    del env['ANSIBLE_STRATEGY']
    return env


def ansible_bin(name):
    """ansible-playbook / ansible next to the interpreter running these tests."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else shutil.which(name)


def run(argv, env, cwd):
    start = time.time()
    p = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=RUN_TIMEOUT)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), time.time() - start
