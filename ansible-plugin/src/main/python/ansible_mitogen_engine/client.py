# Copyright the ansible-mitogen-for-Jenkins authors.
"""Client of the engine protocol (docs/protocol.md section 1).

Frames are a 4-byte big-endian length followed by UTF-8 JSON. One socket per
worker: Ansible forks a worker per task, and a socket inherited across fork
would interleave two processes' frames, so a client notices the pid change
and opens its own socket; a thread worker (workers.py) uses a sibling client.
"""
from __future__ import absolute_import, division, print_function

import errno
import json
import os
import socket
import struct
import time

PROTOCOL_VERSION = 1
CLIENT_NAME = 'ansible-mitogen-plugin/0.1'
_LENGTH = struct.Struct('>I')
# A reply larger than this is a corrupt stream, not a real answer.
_MAX_FRAME = 1 << 31
# The engine's limit per request (MessageIO.MAX_MESSAGE, docs/protocol.md): a larger one is refused here, naming
# the request, rather than sent for the engine to read and refuse.
MAX_REQUEST = 64 * 1024 * 1024

_WHAT_TO_DO = ('it may be out of file descriptors (ulimit -n) or stuck: look at its output (daemon.log beside the '
               'socket when the plugin started it), then stop it (kill its java process) so that the next run '
               'starts a new one')


def _not_answering(path, what, seconds):
    return EngineUnavailable('the ansible-mitogen daemon at %s %s within %g s; %s'
                             % (path, what, seconds, _WHAT_TO_DO))


class EngineUnavailable(Exception):
    """The engine socket cannot be reached or spoke something unexpected."""


class EngineError(Exception):
    """The engine answered a request with ok=false."""

    def __init__(self, kind, msg, host=None, hop=None, logs=None, become=None):
        super(EngineError, self).__init__(msg)
        self.kind = kind
        self.msg = msg
        self.host = host
        self.hop = hop
        self.logs = logs or []  # what the target logged up to the failure: often why it failed
        self.become = become  # why becoming the user failed (wrong_password, password_required, ...), else None

    @classmethod
    def from_reply(cls, reply):
        err = reply.get('error') or {}
        return cls(err.get('kind', 'internal'), err.get('msg', 'the engine gave no message'),
                   err.get('host'), err.get('hop'), reply.get('logs'), err.get('become'))


def _json_default(value):
    # Vaulted values (2.14 AnsibleVaultEncryptedUnicode, 2.19 EncryptedString) are not str
    # subclasses; str() decrypts them, which is what the engine needs for a password.
    return str(value)


def encode_frame(obj):
    body = json.dumps(obj, separators=(',', ':'), ensure_ascii=False, default=_json_default).encode('utf-8')
    return _LENGTH.pack(len(body)) + body


def _recv_exact(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EngineUnavailable('the engine closed the connection')
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)


def read_frame(sock):
    (length,) = _LENGTH.unpack(_recv_exact(sock, 4))
    if length > _MAX_FRAME:
        raise EngineUnavailable('the engine sent a frame of %d bytes' % length)
    return json.loads(_recv_exact(sock, length).decode('utf-8'))


def too_large(request, size):
    """Why a request is not sent: it names the request and the limit, and what to do instead."""
    module = request.get('module') or {}
    what = request.get('op', '?') + (' ' + module['fqn'] if module.get('fqn') else '')
    return ('the engine request for %s is %d bytes, over the engine\'s limit of %d bytes (64 MiB) per request: '
            'pass data this large as a file (copy src=..., or a file on the target that the module reads) rather '
            'than inside module arguments' % (what, size, MAX_REQUEST))


class EngineClient(object):
    """Request/reply over one Unix socket, hello first."""

    def __init__(self, path, ansible_version, connect_timeout=10.0, wait_for_socket=0.0):
        self.path = path
        self.ansible_version = ansible_version
        self.connect_timeout = connect_timeout
        # `ansible-mitogen playbook` starts ansible-playbook before its engine listens (they start up side by
        # side): until then the socket is missing or refuses, and the first connection waits this many seconds.
        self.wait_for_socket = wait_for_socket
        self.engine_info = {}
        self._sock = None
        self._pid = None
        # (pid, client) that said this client's hello: a forked copy of it, or a sibling, trusts that hello.
        self._hello_owner = None
        self._next_id = 0

    def sibling(self):
        """A client of the same engine with a socket of its own (for a thread worker), trusting this one's hello."""
        other = EngineClient(self.path, self.ansible_version, self.connect_timeout, self.wait_for_socket)
        if not self.engine_info:
            self.connect()
        other.engine_info = self.engine_info
        other._hello_owner = self._hello_owner
        return other

    def _ensure_socket(self):
        if self._sock is not None and self._pid == os.getpid():
            return
        if self._sock is not None:
            # Inherited from the parent across fork: drop our copy, keep theirs usable.
            self.close()
        now = time.time()
        deadline = now + self.wait_for_socket
        # A daemon whose accept queue is full (out of file descriptors, stuck) answers EAGAIN at once ("[Errno 11]
        # Resource temporarily unavailable"): retried for the connect timeout, then named as not accepting.
        busy_deadline = now + self.connect_timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.connect_timeout)
            try:
                sock.connect(self.path)
                break
            except (OSError, socket.error) as e:
                sock.close()
                code = getattr(e, 'errno', None)
                if code == errno.EAGAIN:
                    if time.time() < busy_deadline:
                        time.sleep(0.05)
                        continue
                    raise _not_answering(self.path, 'does not accept connections (its queue is full)',
                                         self.connect_timeout)
                if isinstance(e, socket.timeout):
                    raise _not_answering(self.path, 'did not take the connection', self.connect_timeout)
                starting = code in (errno.ENOENT, errno.ECONNREFUSED)
                if not (starting and time.time() < deadline):
                    raise EngineUnavailable('cannot connect to the engine socket %s: %s' % (self.path, e))
                time.sleep(0.02)
        self._sock = sock
        self._pid = os.getpid()
        # A worker Ansible forked from the process that said hello (the strategy, moments ago, on this same
        # path), or a thread worker's sibling client, trusts that hello instead of repeating it: one round trip
        # less per task. The client that said it says it again when it reconnects (the engine may be another).
        if not self.engine_info or self._hello_owner == (self._pid, id(self)):
            try:
                self._hello()  # still under the connect timeout: a daemon that accepts and never answers
            except socket.timeout:
                self.close()
                raise _not_answering(self.path, 'did not answer the hello', self.connect_timeout)
        # Module runs may take as long as they like.
        sock.settimeout(None)

    def _hello(self):
        reply = self._roundtrip({'op': 'hello', 'protocol': PROTOCOL_VERSION, 'client': CLIENT_NAME,
                                 'ansible_version': self.ansible_version})
        if not reply.get('ok', True):
            self.close()
            raise EngineUnavailable('the engine refused hello: %s' % EngineError.from_reply(reply).msg)
        if reply.get('protocol') != PROTOCOL_VERSION:
            self.close()
            raise EngineUnavailable('the engine at %s speaks protocol %r, this plugin speaks %d: '
                                    'use the plugin shipped with that engine (bin/ansible-mitogen plugin-path)'
                                    % (self.path, reply.get('protocol'), PROTOCOL_VERSION))
        self.engine_info = reply
        self._hello_owner = (os.getpid(), id(self))

    def has_feature(self, name):
        return name in (self.engine_info.get('features') or ())

    def _roundtrip(self, request):
        self._next_id += 1
        request = dict(request, id=self._next_id)
        frame = encode_frame(request)
        if len(frame) - 4 > MAX_REQUEST:
            raise EngineError('bad_request', too_large(request, len(frame) - 4))
        try:
            self._sock.sendall(frame)
            reply = read_frame(self._sock)
        except socket.timeout:
            raise  # the caller says what did not answer
        except (OSError, socket.error, ValueError) as e:
            self.close()
            raise EngineUnavailable('lost the engine at %s: %s' % (self.path, e))
        except EngineUnavailable:
            self.close()
            raise
        if reply.get('id') is None and reply.get('ok') is False:
            return reply  # a frame the engine refused before it could read its id (docs/protocol.md "Limits")
        if reply.get('id') != request['id']:
            self.close()
            raise EngineUnavailable('the engine answered request %r with id %r'
                                    % (request['id'], reply.get('id')))
        return reply

    def call(self, op, **fields):
        """Send one request; return the reply dict, or raise EngineError."""
        self._ensure_socket()
        fields['op'] = op
        reply = self._roundtrip(fields)
        if not reply.get('ok', False):
            raise EngineError.from_reply(reply)
        return reply

    def connect(self):
        """Open the socket and say hello now (fail early)."""
        self._ensure_socket()
        return self.engine_info

    def close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
        self._sock = None
        self._pid = None
