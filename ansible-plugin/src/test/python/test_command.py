"""command unwrapping against commands built by the installed ansible-core's own shell and become plugins."""
import shlex
import unittest

import testlib  # noqa: F401  (puts the plugin on sys.path)
from ansible_mitogen_engine import command


def shell():
    from ansible.plugins.loader import shell_loader
    return shell_loader.get('sh')


def become(name, **options):
    from ansible.plugins.loader import become_loader
    plugin = become_loader.get(name)
    plugin.set_options(direct=options)
    return plugin


def low_level(cmd, sh, become_plugin=None, executable='/bin/sh'):
    """What ActionBase._low_level_execute_command does to cmd before exec_command."""
    if become_plugin is not None:
        cmd = become_plugin.build_become_command(cmd, sh)
    cmd = sh.append_command(cmd, 'sleep 0')
    return executable + ' -c ' + shlex.quote(cmd)


def module_cmd(sh, env=None, interpreter='/usr/bin/python3'):
    env_string = sh.env_prefix(**(env or {}))
    return sh.build_module_command(env_string, '#!' + interpreter, '').strip()  # as ActionBase does


class Unwrap(unittest.TestCase):

    def test_fast_reading_agrees_with_shlex_on_generated_commands(self):
        import random
        rnd = random.Random(20261127)
        words = ['/bin/sh', '/bin/bash', 'sh', '/usr/bin/env', '-c', ' -c ', "'", '"', '\\', ' ', '  ', 'echo', 'x',
                 '&&', 'sleep 0', ' && sleep 0', '$HOME', '~', '#', ';', '-', '=', 'a b', "'\"'\"'", '\n', 'é']
        sh = shell()
        cases = [low_level(module_cmd(sh), sh), low_level('echo ~ && sleep 0', sh), "/bin/sh -c ''",
                 "/bin/sh -c 'true'", '/bin/sh -c true', "/bin/sh  -c 'x y'", "/bin/sh -c 'x y' ", "a b -c 'x y'",
                 "/bin/sh -c 'it'\"'\"'s'", "/bin/sh -c 'a' -c 'b'", "/bin/sh -c ' && sleep 0'"]
        for _ in range(20000):
            cases.append(''.join(rnd.choice(words) for _ in range(rnd.randint(1, 8))))
            cases.append(rnd.choice(['/bin/sh', 'sh', '/bin/b ash']) + ' -c ' + rnd.choice([shlex.quote, str])(
                ''.join(rnd.choice(words) for _ in range(rnd.randint(0, 6)))))
        fast = 0
        for cmd in cases:
            self.assertEqual(command._split_executable(cmd), command._split_executable_by_shlex(cmd), repr(cmd))
            head, sep, rest = cmd.partition(' -c ')
            fast += bool(sep and rest[:1] == "'" and "'" not in rest[1:-1])
        self.assertGreater(fast, 1000, 'the generated commands exercise the fast reading')

    def test_pipelined_module(self):
        sh = shell()
        cmd = low_level(module_cmd(sh), sh)
        self.assertEqual(cmd, "/bin/sh -c '/usr/bin/python3 && sleep 0'")
        exe, inner = command.strip_executable(cmd)
        self.assertEqual(exe, '/bin/sh')
        parsed = command.parse_interpreter_command(inner)
        self.assertEqual(parsed.argv, ['/usr/bin/python3'])
        self.assertEqual(parsed.env, {})

    def test_environment_values_with_spaces_and_quotes(self):
        sh = shell()
        env = {'LANG': 'C.UTF-8', 'GREETING': "it's a b", 'EMPTY': ''}
        exe, inner = command.strip_executable(low_level(module_cmd(sh, env), sh))
        parsed = command.parse_interpreter_command(inner)
        self.assertEqual(parsed.env, env)
        self.assertEqual(parsed.interpreter, '/usr/bin/python3')

    def test_interpreter_with_arguments(self):
        sh = shell()
        exe, inner = command.strip_executable(low_level(module_cmd(sh, interpreter='/usr/bin/env python3'), sh))
        self.assertEqual(command.parse_interpreter_command(inner).interpreter, '/usr/bin/env python3')

    def test_sudo(self):
        sh = shell()
        b = become('sudo', become_user='nobody', become_flags='-H -S -n', become_exe='sudo')
        cmd = low_level(module_cmd(sh, {'LANG': 'C'}), sh, b)
        exe, inner = command.strip_executable(cmd)
        unwrapped = command.strip_become(inner, b.success, sh.ECHO, sh.COMMAND_SEP)
        parsed = command.parse_interpreter_command(unwrapped)
        self.assertEqual(parsed.argv, ['/usr/bin/python3'])
        self.assertEqual(parsed.env, {'LANG': 'C'})

    def test_sudo_with_password_and_fqcn(self):
        sh = shell()
        b = become('ansible.builtin.sudo', become_user='app', become_pass='s3cret', become_flags='-H -S -n')
        self.assertEqual(b.name, 'sudo')
        cmd = low_level('id -un', sh, b)
        self.assertIn('-p "[sudo via ansible', cmd)
        exe, inner = command.strip_executable(cmd)
        self.assertEqual(command.strip_become(inner, b.success, sh.ECHO, sh.COMMAND_SEP), 'id -un')

    def test_su_quotes_twice(self):
        sh = shell()
        b = become('su', become_user='app')
        cmd = low_level("echo 'a b' | tr a-z A-Z", sh, b)
        exe, inner = command.strip_executable(cmd)
        self.assertEqual(command.strip_become(inner, b.success, sh.ECHO, sh.COMMAND_SEP), "echo 'a b' | tr a-z A-Z")

    def test_raw_without_executable(self):
        sh = shell()
        b = become('sudo', become_user='nobody')
        cmd = b.build_become_command('whoami', sh)  # raw: executable=False, no sleep 0
        exe, inner = command.strip_executable(cmd)
        self.assertIsNone(exe)
        self.assertEqual(command.strip_become(inner, b.success, sh.ECHO, sh.COMMAND_SEP), 'whoami')

    def test_no_marker_means_no_become(self):
        self.assertIsNone(command.strip_become('id -un', 'BECOME-SUCCESS-abc'))
        self.assertIsNone(command.strip_become('id -un', ''))

    def test_marker_in_unknown_shape_is_an_error(self):
        with self.assertRaises(command.BecomeUnwrapError):
            command.strip_become('mybecome BECOME-SUCCESS-abc id', 'BECOME-SUCCESS-abc')

    def test_shell_commands_are_not_interpreter_commands(self):
        for text in ('cd /tmp && /usr/bin/python3', '/usr/bin/python3 /tmp/AnsiballZ_x.py; rm -f x',
                     'python3 $HOME/x', 'A=1 python3 > /tmp/out', '', 'echo `id`'):
            self.assertIsNone(command.parse_interpreter_command(text), text)

    def test_other_commands_pass_through(self):
        for cmd in ("echo raw", "/bin/sh -c 'echo ~root && sleep 0' extra", "unbalanced 'quote"):
            exe, inner = command.strip_executable(cmd)
            self.assertIsNone(exe)
            self.assertEqual(inner, cmd)

    def test_executable_other_than_sh(self):
        sh = shell()
        exe, inner = command.strip_executable(low_level('echo hi', sh, executable='/bin/bash'))
        self.assertEqual((exe, inner), ('/bin/bash', 'echo hi'))


if __name__ == '__main__':
    unittest.main()
