# Copyright the ansible-mitogen-for-Jenkins authors.
"""What every engine-backed connection plugin adds to its stock parent.

The stock class keeps its options, their precedence and get_option; only the
I/O methods change: each becomes one request to the engine.
"""
from __future__ import absolute_import, division, print_function

import base64
import json
import os
import re

import yaml

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_text
from ansible.utils.display import Display

from ansible_mitogen_engine import ansiballz, become_errors, command, copy_digests, deferral, fetched_mode, locator, routing, switch, vias
from ansible_mitogen_engine.client import EngineError, EngineUnavailable

display = Display()

ISOLATION_VALUES = ('isolated', 'reuse', 'fork')

# Options every engine connection plugin adds to its parent's DOCUMENTATION, so that
# TaskExecutor passes these variables to set_options with the usual precedence
# (task vars > play vars > host vars ...) and get_option() reads them.
EXTRA_OPTIONS = {
    'mitogen_task_isolation': {
        'description': [
            'How a module runs on the target: C(isolated) in a process of its own, forked ahead of time by the '
            'persistent interpreter\'s fork server, so that no state leaks into later tasks (as under stock); '
            'C(reuse) in the persistent interpreter itself (fastest; what one module changes, the next sees); '
            'C(fork) in a fork of the persistent interpreter.'],
        'default': 'isolated',
        'choices': list(ISOLATION_VALUES),
        'env': [{'name': 'ANSIBLE_MITOGEN_TASK_ISOLATION'}],
        'vars': [{'name': 'mitogen_task_isolation'}],
    },
    'mitogen_via': {
        'description': ['Inventory name of a host to reach this one through (its own mitogen_via makes a chain).'],
        'default': None,
        'vars': [{'name': 'mitogen_via'}],
    },
}


def extend_documentation(stock_documentation):
    """The stock plugin's DOCUMENTATION plus EXTRA_OPTIONS, as YAML text."""
    doc = yaml.safe_load(stock_documentation)
    options = doc.setdefault('options', {})
    for name, spec in EXTRA_OPTIONS.items():
        options.setdefault(name, spec)
    doc['short_description'] = '%s through the ansible-mitogen engine' % doc.get('short_description', doc.get('name'))
    return yaml.safe_dump(doc, default_flow_style=False)


def _router_debug():
    """MITOGEN_ROUTER_DEBUG (as Mitogen users know it): debug log files per context, here and on the targets."""
    return switch.env_on('MITOGEN_ROUTER_DEBUG')


def _text_or_none(value):
    if value is None:
        return None
    return to_text(value, errors='surrogate_or_strict')


# The login user's home-directory lookups (`echo ~`, `echo ~LOGIN_USER`, as the sh shell plugin's expand_user
# builds them) that the engine answered for a target, by (target, command): ActionBase asks once per task that
# makes a temp dir (every copy or template item). The engine answers them from its connection's login hello
# (HomeAnswer), so asking again would only repeat a local request; a reset forgets them, as the engine's reconnect
# does. Other users' homes are asked every time (a play may create or move them).
_HOME_LOOKUP = re.compile(r'^echo ~([A-Za-z0-9_.-]*)$')
_homes = {}


def _is_home_answer(stdout):
    """`echo ~` printed one plain absolute path (deferral's notion of a path echo prints verbatim) and a newline."""
    return stdout.endswith(b'\n') and deferral.is_plain_path(stdout[:-1].decode('utf-8', 'replace'))


# The copy and template actions send their file to TMPDIR and the copy module then reads it back to hash it
# (sha1, and md5 for the result's md5sum). From this size on, the target hashes it while writing it instead
# (core.py _ReceivedFiles): the same digests, without a second pass over the file after the transfer. Only for the
# copy action's transfer (copy_digests.py): unarchive's archive, say, is never hashed.
DIGEST_ON_RECEIVE_MIN = 1 << 20
DIGEST_ON_RECEIVE = ['sha1', 'md5']


def _digests_for(in_path):
    if not copy_digests.sending_copy_module_source():
        return None
    try:
        return DIGEST_ON_RECEIVE if os.path.getsize(in_path) >= DIGEST_ON_RECEIVE_MIN else None
    except OSError:
        return None


def shell_plugin_executable(shell):
    """The shell plugin's `executable` (set from ansible_shell_executable, or by raw's `executable`), or None."""
    value = getattr(shell, 'executable', None)
    return _text_or_none(value) if value else None


class _NeedZip(Exception):
    """The engine does not hold the ZIP an exec_module named by digest; `fields` is the request as sent."""

    def __init__(self, fields):
        super(_NeedZip, self).__init__('need_zip')
        self.fields = fields


class EngineConnectionMixin(object):
    """Mix in before the stock Connection class."""

    # The strategy checks this to know the loader resolved to us, not to the stock plugin.
    mitogen_engine = True
    has_pipelining = True
    engine_transport = None

    _engine_inventory_name = None
    _engine_deferral = None

    def set_options(self, task_keys=None, var_options=None, direct=None):
        routing.check_usable()
        # TaskExecutor passes inventory_hostname among the variables of the stock `host` option;
        # keep it so that engine messages name the host as the inventory does.
        # Under delegate_to, the variables are the delegated host's but inventory_hostname stays the
        # task's host; the task's own delegate_to names the host we really talk to.
        if task_keys and task_keys.get('delegate_to'):
            self._engine_inventory_name = _text_or_none(task_keys['delegate_to'])
        elif var_options and var_options.get('inventory_hostname'):
            self._engine_inventory_name = _text_or_none(var_options['inventory_hostname'])
        return super(EngineConnectionMixin, self).set_options(task_keys=task_keys, var_options=var_options,
                                                              direct=direct)

    def get_option(self, option, hostvars=None):
        # Pipelining is what makes a module run one request; the engine never needs it off.
        if option == 'pipelining':
            return True
        return super(EngineConnectionMixin, self).get_option(option, hostvars=hostvars)

    def is_pipelining_enabled(self, wrap_async=False):
        # ansible-core 2.19+ asks the connection (2.14 asks only get_option('pipelining')). Stock refuses
        # pipelining for become plugins without `pipelining` (su), because su cannot read the module from
        # stdin; the engine does become itself, so a module always goes in one request. Async and
        # KEEP_REMOTE_FILES keep the stock answer.
        from ansible import constants as C
        if wrap_async or C.DEFAULT_KEEP_REMOTE_FILES:
            return super(EngineConnectionMixin, self).is_pipelining_enabled(wrap_async)
        return True

    def _opt(self, name, default=None):
        try:
            value = super(EngineConnectionMixin, self).get_option(name)
        except (KeyError, AnsibleError):
            return default
        return default if value is None else value

    @property
    def _engine_host(self):
        return _text_or_none(self._opt('host')) or _text_or_none(getattr(self._play_context, 'remote_addr', None)) \
            or 'localhost'

    # ---- request objects -------------------------------------------------------------------------------

    def engine_target(self, python=None, seen=None):
        """The protocol's `target` object for this connection (via hops included)."""
        target = self._engine_target_fields()
        target['transport'] = self.engine_transport
        target['inventory_name'] = self._engine_inventory_name or self._engine_host
        target['python'] = python
        seen = tuple(seen or ())
        if self._engine_inventory_name and self._engine_inventory_name not in seen:
            seen += (self._engine_inventory_name,)
        target['via'] = vias.resolve(self._opt('mitogen_via'), seen)
        return target

    def _engine_target_fields(self):
        raise NotImplementedError

    def _engine_become(self):
        become = self.become
        opt = lambda name: _text_or_none(self._become_opt(name))
        return {
            'method': become.name,
            'user': opt('become_user'),
            'password': opt('become_pass'),
            'exe': opt('become_exe'),
            'flags': opt('become_flags'),
        }

    def _become_opt(self, name):
        try:
            return self.become.get_option(name, playcontext=self._play_context)
        except TypeError:
            # Third-party become plugins may not take playcontext.
            try:
                return self.become.get_option(name)
            except KeyError:
                return None
        except KeyError:
            return None

    def _isolation(self):
        value = self._opt('mitogen_task_isolation', os.environ.get('ANSIBLE_MITOGEN_TASK_ISOLATION') or 'isolated')
        if value not in ISOLATION_VALUES:
            raise AnsibleError('%s: mitogen_task_isolation must be one of %s, not %r'
                               % (self._engine_host, ', '.join(ISOLATION_VALUES), value))
        return value

    # ---- engine calls ----------------------------------------------------------------------------------

    def _show_logs(self, logs):
        for line in logs or ():
            display.vvv(to_text(line), host=self._engine_host)

    # ---- deferred temp-dir commands (deferral.py; docs/architecture.md "Round trips of a copy") ----------

    def _deferral(self):
        if self._engine_deferral is None:
            self._engine_deferral = deferral.TaskDeferral()
        return self._engine_deferral

    def _defers(self):
        """Whether the engine takes `pre`, `after`, `detach` and `sync` (an older daemon does not), and the user
        did not turn deferral off (ANSIBLE_MITOGEN_DEFER_COMMANDS=0: every command then makes its own trip)."""
        if not switch.env_on('ANSIBLE_MITOGEN_DEFER_COMMANDS', default=True):
            return False
        try:
            client = locator.get_client()
            return client.connect() is not None and client.has_feature('deferred_commands')
        except EngineUnavailable:
            return False

    def _with_deferred(self, op, fields):
        """Hands what this task deferred to a request that runs as the login user (where it was issued)."""
        d = self._engine_deferral
        if d is None or not (d.pending or d.put_tokens) or op not in ('exec_module', 'exec_command', 'put_file',
                                                                     'fetch_file'):
            return
        if fields.get('become') is not None:
            # It runs as another user: the deferred commands wait for the next login-user request, unless this
            # one may touch the temp dir (its files are then made first, in one request of their own).
            if d.mentions_dir(repr(fields.get('cmd')) + repr((fields.get('module') or {}).get('params'))):
                self._flush_deferred()
            return
        pre, after = d.take()
        if pre:
            fields['pre'] = pre
        if after:
            fields['after'] = after

    def _flush_deferred(self):
        d = self._engine_deferral
        if d is None:
            return
        pre, after = d.take()
        if pre:
            self._engine_call('exec_command', target=self.engine_target(), become=None, cmd='true', pre=pre,
                              after=after)
        elif after:
            self._engine_call('sync', target=self.engine_target(), tokens=after)

    def _predicted(self, inner, in_data, become):
        """(rc, stdout, stderr) for a temp-dir command whose result is known, having deferred it; else None."""
        if become is not None or in_data is not None:
            return None
        d = self._deferral()
        found = deferral.classify(self._shell, inner, d.dirs)
        if found is None or not self._defers():
            return None
        if isinstance(found, deferral.Mkdtemp):
            d.pending.append(found)
            d.dirs.append(found.path)
            display.vvv('ENGINE DEFER mkdtemp %s' % found.path, host=self._engine_host)
            return 0, found.stdout, b''
        if isinstance(found, deferral.Chmod):
            d.pending.append(found)
            return 0, b'', b''
        # Remove: nothing to do if the dir never reached the target; else sent without waiting for it.
        if not d.drop_unsent(found.path):
            self._engine_call('exec_command', target=self.engine_target(), become=None, cmd=inner, detach=True)
        d.dirs = [x for x in d.dirs if x.rstrip('/') != found.path.rstrip('/')]
        return 0, b'', b''

    def _engine_call(self, op, **fields):
        self._with_deferred(op, fields)
        host = self._engine_inventory_name or self._engine_host
        module = fields.get('module')
        display.vvvv('ENGINE REQUEST %s%s' % (op, ' %s (%s)' % (module['fqn'], module['isolation']) if module else ''),
                     host=host)
        if display.verbosity >= 4:
            fields['io_log'] = True
        if _router_debug():
            fields['router_debug'] = True
        try:
            reply = locator.get_client().call(op, **fields)
        except EngineError as e:
            self._show_logs(e.logs)
            if e.kind == 'need_zip':
                raise _NeedZip(fields)
            msg = e.msg if host in (e.msg or '') else '%s: %s' % (host, e.msg)
            if e.hop and e.hop != host and e.hop not in msg:
                msg = '%s (via %s)' % (msg, e.hop)
            stock = become_errors.stock_error(e.become, self.become, self._become_timeout()) if e.become else None
            if stock is not None:
                # The task's msg is stock's (playbooks test it); our sentence, naming user, host and cause, beside.
                display.display(u'[mitogen:%s] %s' % (host, msg), stderr=True)
                raise stock
            if e.kind == 'unreachable':
                raise AnsibleConnectionFailure(msg)
            raise AnsibleError(msg)
        except EngineUnavailable as e:
            raise AnsibleError('%s: the ansible-mitogen engine is not available: %s' % (host, e))
        self._show_logs(reply.get('logs'))
        return reply

    def _become_timeout(self):
        """The connection timeout stock's privilege escalation wait is based on."""
        return self._opt('timeout', getattr(self._play_context, 'timeout', None))

    @staticmethod
    def _result(reply):
        return (reply.get('rc', 0),
                base64.b64decode(reply.get('stdout_b64') or ''),
                base64.b64decode(reply.get('stderr_b64') or ''))

    # ---- ConnectionBase API ----------------------------------------------------------------------------

    def _connect(self):
        # The engine connects lazily and pools connections; nothing to do per task.
        self._connected = True
        return self

    def _unwrap(self, cmd, sudoable):
        """(inner command, become object or None) for cmd as ActionBase built it."""
        inner, become, _shell = self._unwrap_with_shell(cmd, sudoable)
        return inner, become

    def _unwrap_with_shell(self, cmd, sudoable):
        """(inner command, become object or None, the shell stock would have run the inner command with).

        The shell is the protocol's `shell` object (docs/protocol.md exec_command): the executable ActionBase
        wrapped the command in (`X -c '...'`: ansible_shell_executable, or `executable` of raw, shell...), under
        become the one the become plugin wrapped it in (the shell plugin's executable), and for a command that
        came bare (raw without `executable`) what the connection would have handed it to: the login shell over
        ssh (sshd runs `$SHELL -c CMD`), ANSIBLE_EXECUTABLE for local, `ansible_shell_executable` for docker."""
        executable, inner = command.strip_executable(cmd)
        shell = {'path': executable} if executable else self._bare_command_shell()
        become = None
        if sudoable and self.become is not None:
            plugin = self._shell
            try:
                unwrapped = command.strip_become(inner, getattr(self.become, 'success', None),
                                                 getattr(plugin, 'ECHO', 'echo'), getattr(plugin, 'COMMAND_SEP', ';'))
            except command.BecomeUnwrapError as e:
                raise AnsibleError('%s: the %s become plugin built a command the engine cannot take apart (%s); '
                                   'command: %s' % (self._engine_host, self.become.name, e, cmd))
            if unwrapped is not None:
                inner = unwrapped
                become = self._engine_become()
                # BecomeBase._build_success_command: `SHELL.executable -c 'echo BECOME-SUCCESS-... ; CMD'`.
                shell = {'path': shell_plugin_executable(self._shell) or '/bin/sh'}
        return inner, become, shell

    def _bare_command_shell(self):
        """The shell stock's connection runs a command with that ActionBase did not wrap (raw without
        `executable`): over ssh, the login user's shell (sshd runs `$SHELL -c CMD`, $0 its base name)."""
        return {'login': True}

    def _engine_cwd(self):
        return None

    def _wants_tty(self):
        """Whether stock would give this command a terminal (ssh's -tt for commands without stdin)."""
        return False

    def _login_env(self, executable, become):
        """Environment the login shell would have set for the command (stock ssh: `_`, the program it ran)."""
        return {}

    def exec_command(self, cmd, in_data=None, sudoable=True):
        display.vvv('ENGINE EXEC %s' % cmd, host=self._engine_host)
        inner, become, shell = self._unwrap_with_shell(cmd, sudoable)
        predicted = self._predicted(inner, in_data, become)
        if predicted is not None:
            return predicted
        if in_data is not None:
            payload = ansiballz.parse(in_data)
            interp = command.parse_interpreter_command(inner) if payload else None
            if payload is not None and interp is not None and self._engine_runs(payload):
                env = dict(self._login_env(command.strip_executable(cmd)[0], become))
                env.update(interp.env)
                return self._result(self._exec_module(payload, interp.interpreter, env, become))
        fields = {'target': self.engine_target(), 'become': become, 'cmd': inner}
        if shell != {'path': '/bin/sh'}:
            fields['shell'] = shell  # absent: /bin/sh, as every engine runs it
        home_key = self._home_key(fields, in_data, sudoable)
        if home_key is not None and home_key in _homes:
            return 0, _homes[home_key], b''
        if in_data is not None:
            fields['stdin_b64'] = base64.b64encode(in_data).decode('ascii')
        elif sudoable and self._wants_tty():
            fields['pty'] = True
        cwd = self._engine_cwd()
        if cwd:
            fields['chdir'] = cwd
        result = self._result(self._engine_call('exec_command', **fields))
        if home_key is not None and result[0] == 0 and not result[2] and _is_home_answer(result[1]):
            _homes[home_key] = result[1]
        return result

    def _home_key(self, fields, in_data, sudoable):
        m = _HOME_LOOKUP.match(fields['cmd'])
        if in_data is not None or fields['become'] is not None or m is None or (sudoable and self._wants_tty()):
            return None
        if m.group(1) and m.group(1) != fields['target'].get('user'):
            return None
        return json.dumps([fields['target'], fields['cmd']], sort_keys=True, default=str)

    def _exec_module(self, payload, interpreter, env, become):
        """One exec_module request; the ZIP travels only if the engine does not hold it yet."""
        client = locator.get_client()
        by_digest = client.connect() is not None and client.has_feature('module_by_digest')
        module = payload.to_request(interpreter, self._isolation(), env, self._engine_cwd(), with_zip=not by_digest)
        target = self.engine_target(python=interpreter)
        try:
            return self._engine_call('exec_module', target=target, become=become, module=module)
        except _NeedZip as e:
            # Nothing ran (the engine checks before it reaches the target): the same request again, with the
            # deferred commands it carried, and with the ZIP.
            fields = dict(e.fields)
            fields.pop('op', None)
            fields['module']['zip_b64'] = payload.zip_b64
            return self._engine_call('exec_module', **fields)

    @staticmethod
    def _engine_runs(payload):
        # 2.14-2.18 payloads are the protocol's baseline; the 2.19 loader needs an engine that says so.
        if payload.style == 'runpy':
            return True
        return locator.get_client().connect() is not None and \
            locator.get_client().has_feature(payload.engine_feature)

    def put_file(self, in_path, out_path):
        display.vvv('ENGINE PUT %s TO %s' % (in_path, out_path), host=self._engine_host)
        in_path = os.path.abspath(to_text(in_path, errors='surrogate_or_strict'))
        if not os.path.exists(in_path):
            raise AnsibleFileNotFound('file or module does not exist: %s' % in_path)
        fields = {'target': self.engine_target(), 'become': None, 'src': in_path,
                  'dst': to_text(out_path, errors='surrogate_or_strict')}
        # Into a temp dir of this task: the next request (chmod, the module using the file) waits for it on the
        # target instead of this call waiting here.
        detach = self._engine_deferral is not None and self._engine_deferral.mentions_dir(fields['dst']) \
            and self._defers()
        if detach:
            fields['detach'] = True
        digests = _digests_for(in_path)
        if digests:
            fields['digests'] = digests
        create_mode = self._put_create_mode(in_path)
        if create_mode is not None:
            fields['create_mode'] = '%o' % create_mode
        reply = self._engine_call('put_file', **fields)
        if detach and reply.get('token'):
            self._deferral().put_tokens.append(reply['token'])

    def _put_create_mode(self, in_path):
        """The mode stock's transfer would create the remote file with before the target's umask, or None for 0666
        (the engine's default). It shows: as an unprivileged become user, a copy over an existing file keeps the
        temp file's mode (atomic_move cannot chmod another user's file, and its copy2 fallback copies the mode)."""
        return None

    def fetch_file(self, in_path, out_path):
        display.vvv('ENGINE FETCH %s TO %s' % (in_path, out_path), host=self._engine_host)
        dst = os.path.abspath(to_text(out_path, errors='surrogate_or_strict'))
        before = fetched_mode.existing_mode(dst)
        reply = self._engine_call('fetch_file', target=self.engine_target(), become=None,
                                  src=to_text(in_path, errors='surrogate_or_strict'), dst=dst)
        fetched_mode.apply(dst, before, self._transfer_kind(), reply.get('mode'))

    def _transfer_kind(self):
        """How stock's connection writes a fetched file (fetched_mode.creation_mode): 'plain' unless it says."""
        return 'plain'

    def reset(self):
        display.vvv('ENGINE RESET', host=self._engine_host)
        _homes.clear()
        self._flush_quietly()
        self._engine_call('reset', target=self.engine_target())

    def _flush_quietly(self):
        try:
            self._flush_deferred()
        except AnsibleError as e:
            display.warning(to_text(e))

    def close(self):
        # What this task deferred and nothing carried (keep_remote_files, a task that failed between
        # mkdtemp and rm) runs now; then the engine keeps (pools) the target connection.
        self._flush_quietly()
        self._connected = False
