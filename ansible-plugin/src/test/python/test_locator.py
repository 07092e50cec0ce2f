"""Finding the engine: explicit socket, a running daemon at the default place, or starting one (issue 7)."""
import os
import shutil
import signal
import socket
import stat
import sys
import tempfile
import time
import unittest

import testlib
from ansible_mitogen_engine import locator
from ansible_mitogen_engine.client import EngineClient, EngineUnavailable

# Stands in for `java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar JAR daemon --socket-dir DIR`: serves the fake
# engine there, detached like the real one.
FAKE_JAVA = '''#!/bin/sh
[ "$1" = -XX:+UseSerialGC ] && [ "$2" = -XX:TieredStopAtLevel=1 ] || { echo "no engine JVM options: $*" >&2; exit 2; }
shift 2
[ "$1" = -jar ] && [ "$3" = daemon ] && [ "$4" = --socket-dir ] || { echo "unexpected args: $*" >&2; exit 2; }
echo $$ > "$5/fake-daemon.pid"
exec %s %s "$5/engine.sock" "$5/requests.jsonl"
''' % (sys.executable, os.path.join(testlib.HERE, 'fake_engine.py'))


class Locator(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='plugin-test-locator-')
        os.chmod(self.dir, 0o700)
        self.runtime = os.path.join(self.dir, 'runtime')
        os.mkdir(self.runtime, 0o700)
        self.bin = os.path.join(self.dir, 'bin')
        os.mkdir(self.bin)
        self.jar = os.path.join(self.dir, 'ansible-mitogen-cli.jar')
        open(self.jar, 'w').close()
        self.sock_dir = os.path.join(self.runtime, 'ansible-mitogen')

    def tearDown(self):
        pid_file = os.path.join(self.sock_dir, 'fake-daemon.pid')
        if os.path.exists(pid_file):
            with open(pid_file) as f:
                try:
                    os.kill(int(f.read()), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self, java=True, jar=True, **extra):
        if java:
            path = os.path.join(self.bin, 'java')
            with open(path, 'w') as f:
                f.write(FAKE_JAVA)
            os.chmod(path, stat.S_IRWXU)
        env = {'PATH': self.bin + ':/usr/bin:/bin', 'XDG_RUNTIME_DIR': self.runtime, 'HOME': self.dir}
        if jar:
            env['ANSIBLE_MITOGEN_JAR'] = self.jar
        env.update(extra)
        return env

    def test_explicit_socket_wins(self):
        self.assertEqual(locator.locate_socket({'ANSIBLE_MITOGEN_SOCKET': '/x/engine.sock'}), '/x/engine.sock')

    def test_default_path_is_where_the_daemon_listens(self):
        # SocketDirs.defaultDir: $XDG_RUNTIME_DIR/ansible-mitogen when that dir exists, else /tmp/ansible-mitogen-$UID
        self.assertEqual(locator.default_socket_paths({'XDG_RUNTIME_DIR': self.runtime}),
                         [os.path.join(self.runtime, 'ansible-mitogen', 'engine.sock')])
        fallback = ['/tmp/ansible-mitogen-%d/engine.sock' % os.getuid()]
        self.assertEqual(locator.default_socket_paths({'XDG_RUNTIME_DIR': '/nonexistent'}), fallback)
        self.assertEqual(locator.default_socket_paths({}), fallback)

    def test_socket_dir_names_the_daemon_as_for_the_cli(self):
        # DaemonLocation (cli): ANSIBLE_MITOGEN_SOCKET, else ANSIBLE_MITOGEN_SOCKET_DIR/engine.sock, else the default;
        # a blank value counts as unset. pool status then finds the daemon the plugin found or started.
        named = os.path.join(self.dir, 'named')
        self.assertEqual(locator.default_socket_paths({'ANSIBLE_MITOGEN_SOCKET_DIR': named,
                                                       'XDG_RUNTIME_DIR': self.runtime}),
                         [os.path.join(named, 'engine.sock')])
        self.assertEqual(locator.default_socket_paths({'ANSIBLE_MITOGEN_SOCKET_DIR': ' ',
                                                       'XDG_RUNTIME_DIR': self.runtime}),
                         [os.path.join(self.runtime, 'ansible-mitogen', 'engine.sock')])
        self.assertEqual(locator.locate_socket({'ANSIBLE_MITOGEN_SOCKET': '/x/s.sock',
                                                'ANSIBLE_MITOGEN_SOCKET_DIR': named}), '/x/s.sock')

    def test_daemon_starts_in_the_named_socket_dir(self):
        named = os.path.join(self.dir, 'named')
        path = locator.locate_socket(self.env(ANSIBLE_MITOGEN_SOCKET_DIR=named))
        self.assertEqual(path, os.path.join(named, 'engine.sock'))
        self.assertEqual(stat.S_IMODE(os.stat(named).st_mode), 0o700)
        self.assertFalse(os.path.exists(self.sock_dir), 'nothing may start in the default directory')

    def test_running_daemon_is_used(self):
        os.mkdir(self.sock_dir, 0o700)
        path = os.path.join(self.sock_dir, 'engine.sock')
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(1)
        try:
            self.assertEqual(locator.locate_socket(self.env(java=False, jar=False)), path)
        finally:
            srv.close()

    def test_starts_a_detached_daemon(self):
        path = locator.locate_socket(self.env())
        self.assertEqual(path, os.path.join(self.sock_dir, 'engine.sock'))
        self.assertEqual(stat.S_IMODE(os.stat(self.sock_dir).st_mode), 0o700)
        with open(os.path.join(self.sock_dir, 'fake-daemon.pid')) as f:
            pid = int(f.read())
        self.assertEqual(os.getsid(pid), pid, 'the daemon must run in its own session to outlive the run')

    def test_no_java_says_what_to_install(self):
        env = self.env(java=False)
        env['PATH'] = self.bin
        with self.assertRaises(EngineUnavailable) as ctx:
            locator.locate_socket(env)
        self.assertIn('install Java 17', str(ctx.exception))
        self.assertIn('JAVA_HOME', str(ctx.exception))
        self.assertIn('ANSIBLE_MITOGEN_SOCKET', str(ctx.exception))
        self.assertNotIn('engine jar', str(ctx.exception))

    def test_no_jar_says_what_to_set(self):
        env = self.env(jar=False)
        saved = locator.PLUGIN_ROOT
        locator.PLUGIN_ROOT = os.path.join(self.bin, 'plugin')  # no jar shipped beside the plugin either
        try:
            with self.assertRaises(EngineUnavailable) as ctx:
                locator.locate_socket(env)
        finally:
            locator.PLUGIN_ROOT = saved
        self.assertIn('ANSIBLE_MITOGEN_JAR', str(ctx.exception))
        self.assertIn('ansible-mitogen plugin-path', str(ctx.exception))
        self.assertNotIn('no `java`', str(ctx.exception))

    def test_daemon_that_never_listens_is_reported_with_its_log(self):
        env = self.env(ANSIBLE_MITOGEN_START_TIMEOUT='2')
        with open(os.path.join(self.bin, 'java'), 'w') as f:
            f.write('#!/bin/sh\necho "Error: cannot bind" >&2\nexit 1\n')
        start = time.time()
        with self.assertRaises(EngineUnavailable) as ctx:
            locator.locate_socket(env)
        self.assertLess(time.time() - start, 10)
        self.assertIn('cannot bind', str(ctx.exception))

    def test_plain_ansible_playbook_starts_then_reuses_the_daemon(self):
        play = os.path.join(self.dir, 'play.yml')
        with open(play, 'w') as f:
            f.write('- hosts: local\n  gather_facts: false\n  tasks:\n    - ping:\n')
        inv = os.path.join(self.dir, 'hosts.ini')
        with open(inv, 'w') as f:
            f.write('local ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n')
        env = testlib.ansible_env(None, **self.env())
        env['PATH'] = self.bin + ':' + os.path.dirname(testlib.ansible_bin('ansible-playbook')) + ':/usr/bin:/bin'
        pids = []
        for _ in range(2):
            rc, out, _ = testlib.run([testlib.ansible_bin('ansible-playbook'), '-i', inv, play], env, self.dir)
            self.assertEqual(rc, 0, out)
            with open(os.path.join(self.sock_dir, 'fake-daemon.pid')) as f:
                pids.append(int(f.read()))
        self.assertEqual(pids[0], pids[1], 'the second run started another daemon')
        with open(os.path.join(self.sock_dir, 'requests.jsonl')) as f:
            self.assertEqual(len([line for line in f if '"exec_module"' in line]), 2)


    def test_first_connection_waits_for_an_engine_that_is_starting(self):
        # `ansible-mitogen playbook` starts ansible-playbook before its engine listens (ANSIBLE_MITOGEN_SOCKET_WAIT).
        import subprocess
        path = os.path.join(self.dir, 'late.sock')
        record = os.path.join(self.dir, 'late.jsonl')
        fake = os.path.join(testlib.HERE, 'fake_engine.py')
        starter = subprocess.Popen([sys.executable, '-c', 'import os, sys, time; time.sleep(0.5); '
                                    'os.execv(sys.executable, [sys.executable] + sys.argv[1:])',
                                    fake, path, record])
        try:
            client = EngineClient(path, '2.14.18', wait_for_socket=20)
            start = time.time()
            info = client.connect()
            self.assertGreaterEqual(time.time() - start, 0.4, 'connected before the engine existed?')
            self.assertIn('protocol', info)
            client.close()
        finally:
            starter.kill()
            starter.wait()

    def test_without_a_wait_a_missing_socket_fails_at_once_and_names_it(self):
        path = os.path.join(self.dir, 'never.sock')
        for wait in (0, 0.3):
            start = time.time()
            with self.assertRaises(EngineUnavailable) as ctx:
                EngineClient(path, '2.14.18', wait_for_socket=wait).connect()
            self.assertLess(time.time() - start, wait + 2)
            self.assertGreaterEqual(time.time() - start, wait)
            self.assertIn(path, str(ctx.exception))

    def test_the_wait_comes_from_the_environment(self):
        self.assertEqual(locator._seconds('60'), 60.0)
        self.assertEqual(locator._seconds(None), 0.0)
        self.assertEqual(locator._seconds('soon'), 0.0)
        self.assertEqual(locator._seconds('-3'), 0.0)


if __name__ == '__main__':
    unittest.main()
