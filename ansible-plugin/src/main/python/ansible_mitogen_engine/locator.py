# Copyright the ansible-mitogen-for-Jenkins authors.
"""Finds the engine socket, starting a daemon when none is running (issue 7).

Order: ANSIBLE_MITOGEN_SOCKET if set (never auto-start then: the user chose
that engine); else the socket in ANSIBLE_MITOGEN_SOCKET_DIR, or in the default
directory, of a running daemon; else start `java -jar JAR daemon` detached in
that directory, so that it outlives this run and the next run reuses its
connections. The same rule as the CLI's DaemonLocation (docs/daemon.md), so
`ansible-mitogen pool` finds the daemon this started. Never fall back to stock
Ansible silently.
"""
from __future__ import absolute_import, division, print_function

import errno
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

from ansible_mitogen_engine.client import EngineClient, EngineUnavailable

SOCKET_ENV = 'ANSIBLE_MITOGEN_SOCKET'
SOCKET_DIR_ENV = 'ANSIBLE_MITOGEN_SOCKET_DIR'
SOCKET_NAME = 'engine.sock'
JAR_ENV = 'ANSIBLE_MITOGEN_JAR'
JAR_NAME = 'ansible-mitogen-cli.jar'
START_TIMEOUT_ENV = 'ANSIBLE_MITOGEN_START_TIMEOUT'
# Set by `ansible-mitogen playbook` for the engine it starts beside ansible-playbook: how long the first
# connection may wait for that engine's socket.
WAIT_ENV = 'ANSIBLE_MITOGEN_SOCKET_WAIT'


def _seconds(raw):
    try:
        return max(0.0, min(float(raw), 300.0)) if raw else 0.0
    except ValueError:
        return 0.0

# <root>/ansible_mitogen_engine/locator.py -> <root>
PLUGIN_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_HOW_TO_FIX = ('Start an engine with `ansible-mitogen daemon`, or set ANSIBLE_MITOGEN_SOCKET to the socket of '
               'a running one, or run through `ansible-mitogen playbook ...`. '
               'To run without the engine, remove strategy=mitogen_* from ansible.cfg/ANSIBLE_STRATEGY.')

_NO_JAVA = ('no `java` found (JAVA_HOME unset or without bin/java, and none on PATH): '
            'install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME')


def _no_jar(plugin_root):
    return ('no engine jar (%s is unset and there is no %s beside the plugin in %s): run '
            '`ansible-mitogen plugin-path` again (it puts the jar there) or set %s to ansible-mitogen-cli.jar'
            % (JAR_ENV, JAR_NAME, plugin_root, JAR_ENV))


def default_socket_paths(env=None):
    """Where `ansible-mitogen daemon` listens in this environment (DaemonLocation.dir, SocketDirs.defaultDir).

    Exactly one place, the same one `ansible-mitogen daemon` and `ansible-mitogen pool` use here: a daemon
    found or started by the plugin is then the one those commands show and stop. ANSIBLE_MITOGEN_SOCKET_DIR
    names the directory; a daemon listening elsewhere is reached by setting ANSIBLE_MITOGEN_SOCKET.
    """
    env = os.environ if env is None else env
    named = (env.get(SOCKET_DIR_ENV) or '').strip()
    if named:
        return [os.path.join(env[SOCKET_DIR_ENV], SOCKET_NAME)]
    runtime = env.get('XDG_RUNTIME_DIR')
    if runtime and runtime.strip() and os.path.isdir(runtime):
        return [os.path.join(runtime, 'ansible-mitogen', SOCKET_NAME)]
    return ['/tmp/ansible-mitogen-%d/%s' % (os.getuid(), SOCKET_NAME)]


def _connectable(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.connect(path)
        return True
    except (OSError, socket.error) as e:
        # EAGAIN: a daemon listens but its queue is full; the client says so (starting another would not help).
        return getattr(e, 'errno', None) == errno.EAGAIN
    finally:
        s.close()


def find_jar(env=None):
    env = os.environ if env is None else env
    candidates = []
    if env.get(JAR_ENV):
        candidates.append(env[JAR_ENV])
    candidates.append(os.path.join(PLUGIN_ROOT, JAR_NAME))
    candidates.append(os.path.join(os.path.dirname(PLUGIN_ROOT), JAR_NAME))
    for c in candidates:
        if os.path.isfile(c):
            return c
    return None


def find_java(env=None):
    env = os.environ if env is None else env
    home = env.get('JAVA_HOME')
    if home and os.access(os.path.join(home, 'bin', 'java'), os.X_OK):
        return os.path.join(home, 'bin', 'java')
    return shutil.which('java', path=env.get('PATH', os.defpath))


_started = []


def _say(text):
    """A progress line for the user: on stderr, so it never mixes with a callback's stdout."""
    try:
        sys.stderr.write('ansible-mitogen: %s\n' % text)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def start_daemon(sock_path, env=None):
    """Start a detached daemon that listens on sock_path; wait until it does."""
    env = dict(os.environ if env is None else env)
    jar = find_jar(env)
    java = find_java(env)
    if not jar or not java:
        missing = []
        if not java:
            missing.append(_NO_JAVA)
        if not jar:
            missing.append(_no_jar(PLUGIN_ROOT))
        raise EngineUnavailable('no ansible-mitogen engine is running and none can be started: %s. %s'
                                % ('; '.join(missing), _HOW_TO_FIX))
    sock_dir = os.path.dirname(sock_path)
    if not os.path.isdir(sock_dir):
        os.makedirs(sock_dir, 0o700)
    log_path = os.path.join(sock_dir, 'daemon.log')
    env.pop(SOCKET_ENV, None)
    # The JVM options bin/ansible-mitogen and the Jenkins plugin use (docs/architecture.md "Start-up of a run").
    argv = [java] + ENGINE_JVM_OPTIONS + ['-jar', jar, 'daemon', '--socket-dir', sock_dir]
    _say('no ansible-mitogen engine runs on %s: starting a daemon there (it stays up for later runs; '
         '`ansible-mitogen pool stop` ends it; its log: %s)' % (sock_path, log_path))
    with open(log_path, 'ab') as log:
        # A new session so that neither Ctrl-C on ansible-playbook nor the end of this run stops it.
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                close_fds=True, start_new_session=True, env=env, cwd='/')
    _started.append(proc)  # detached on purpose: only keep the handle so it is never reaped as garbage
    started = time.time()
    deadline = started + float(env.get(START_TIMEOUT_ENV) or 60)
    next_word = started + 10
    while time.time() < deadline:
        if _connectable(sock_path):
            return sock_path
        if time.time() >= next_word:
            _say('still waiting for the daemon to listen on %s (%d s)' % (sock_path, time.time() - started))
            next_word += 10
        if proc.poll() is not None and not _connectable(sock_path):
            # It exited without serving (a daemon that found a live one exits 0 after it answered above).
            break
        time.sleep(0.1)
    tail = ''
    try:
        with open(log_path, 'rb') as f:
            tail = f.read()[-2000:].decode('utf-8', 'replace')
    except OSError:
        pass
    if proc.poll() is None:
        proc.kill()
    raise EngineUnavailable('started `%s` but it did not listen on %s. Its log (%s) ends with:\n%s\n%s'
                            % (' '.join(argv), sock_path, log_path, tail, _HOW_TO_FIX))


def locate_socket(env=None, autostart=True):
    env = os.environ if env is None else env
    explicit = env.get(SOCKET_ENV)
    if explicit:
        return explicit
    paths = default_socket_paths(env)
    if os.path.exists(paths[0]) and _connectable(paths[0]):
        return paths[0]
    if not autostart:
        raise EngineUnavailable('%s is not set and no engine listens on %s. %s'
                                % (SOCKET_ENV, paths[0], _HOW_TO_FIX))
    return start_daemon(paths[0], env)


_client = None
# Thread workers (workers.py) each borrow a client of their own: frames of two tasks must never interleave on
# one socket. An ended worker's client, socket still open, waits here for the next worker.
_thread_local = threading.local()
_spare_clients = []
_spare_lock = threading.Lock()


ENGINE_JVM_OPTIONS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1']


def _process_client():
    global _client
    if _client is None:
        from ansible.release import __version__ as ansible_version
        _client = EngineClient(locate_socket(), ansible_version, wait_for_socket=_seconds(os.environ.get(WAIT_ENV)))
    return _client


def get_client():
    """This worker's client: the process-wide one (it reopens its socket itself after fork), or in a thread
    worker a client of that thread's own."""
    if threading.current_thread() is threading.main_thread():
        return _process_client()
    client = getattr(_thread_local, 'client', None)
    if client is None:
        with _spare_lock:
            client = _spare_clients.pop() if _spare_clients else None
        if client is None:
            client = _process_client().sibling()
        _thread_local.client = client
    return client


def release_thread_client():
    """A thread worker is done: its client (if it took one) serves the next."""
    client = _thread_local.__dict__.pop('client', None)
    if client is not None:
        with _spare_lock:
            _spare_clients.append(client)


def check_engine():
    """Connect and say hello now, so a missing engine fails the run at once."""
    client = get_client()
    try:
        return client.connect()
    except EngineUnavailable as e:
        raise EngineUnavailable('%s. %s' % (e, _HOW_TO_FIX))
