# Remote agent core: runs on the target inside the interpreter started by the stage-1 bootstrap.
#
# It is sent zlib-compressed over stdin and exec'd by stage 1, which leaves the compressed bytes in the global
# `C` so that this context can start children (become users, containers) without fetching itself again.
# Wire format: docs/protocol.md, section 2. Must run on Python 3.6 to 3.13: no walrus, no newer stdlib calls.
import codecs
import collections
import errno
import fcntl
import gc
import hashlib
import io
import json
import os
import re
import select
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback
import zipfile
import zlib

PROTOCOL = 2
CALL, REPLY, ERROR, LOG, DATA, HELLO, GONE = 1, 2, 3, 4, 5, 6, 7
_HEAD = struct.Struct('>IIIIBI')  # length, dst, src, req, kind, hlen
CHUNK = 128 * 1024

try:
    CORE_BYTES = C  # noqa: F821 (left by stage 1)
except NameError:
    CORE_BYTES = None


class Frame(object):
    __slots__ = ('dst', 'src', 'req', 'kind', 'header', 'body')

    def __init__(self, dst, src, req, kind, header, body):
        self.dst, self.src, self.req, self.kind, self.header, self.body = dst, src, req, kind, header, body


def encode_frame(dst, src, req, kind, header, body=b''):
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    length = _HEAD.size - 4 + len(h) + len(body)
    return _HEAD.pack(length, dst, src, req, kind, len(h)) + h + body


class Stream(object):
    """A framed byte stream over two file descriptors; writes are serialised by a lock.

    With link compression (docs/protocol.md "Link layer", switched on by the init frame's "zlib" field) each
    direction is one zlib stream and every write ends with Z_SYNC_FLUSH, so a frame is readable on arrival.
    """

    # Inflated bytes held at once: a highly compressible chunk cannot balloon in RAM.
    _INFLATE_STEP = 1 << 20
    # A write this large probes: if zlib saves under 10%, the next _SKIP such writes go as stored blocks
    # (LinkCompression.BULK on the engine side), so random data or a deflated ZIP costs no zlib CPU.
    _BULK = 32 * 1024
    _SKIP = 32
    # A probe that fails again doubles the stored run, up to this many writes (LinkCompression.SKIP_MAX).
    _SKIP_MAX = 1024
    # How long a lazy frame (the reply to a call nobody waits for) may wait to share a packet with the next frame.
    _LAZY_DELAY = 0.05

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.wlock = threading.Lock()
        self._zin = None
        self._zout = None
        self._rbuf = bytearray()
        self._zfull = False
        self._skip = 0
        self._next_skip = self._SKIP
        self._lazy = []
        self._lazy_timer = None

    def compress(self, level):
        """From now on both directions are raw deflate streams (the peer switches after the same init frame).

        Raw (negative wbits): the streams never end, so a zlib trailer's Adler-32 would never be checked, yet
        both ends would compute it over every byte (docs/protocol.md "Link layer")."""
        self._zout = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._zin = zlib.decompressobj(-zlib.MAX_WBITS)

    def _read_some(self, n):
        while True:
            try:
                return os.read(self.rfd, n)
            except OSError as e:
                if e.errno != errno.EINTR:
                    raise

    def _inflate_more(self):
        """Appends the next inflated piece to the read buffer; False at the end of the stream."""
        z = self._zin
        while True:
            data = z.unconsumed_tail
            # A full step may leave output inside zlib with no input left: ask for it before reading more.
            if not data and not self._zfull:
                data = self._read_some(1 << 16)
                if not data:
                    return False
            out = z.decompress(data, self._INFLATE_STEP)
            self._zfull = len(out) >= self._INFLATE_STEP
            if out:
                self._rbuf += out
                return True

    def _deflate(self, data):
        z = self._zout
        if len(data) < self._BULK:
            # a reply or the end of a file: the next file is probed after at most _SKIP stored chunks
            self._skip = min(self._skip, self._SKIP)
            self._next_skip = self._SKIP
        elif self._skip > 0:
            # Python's zlib cannot change level mid-stream. After a full flush the compressor refers to nothing
            # before it, so stored blocks written by hand there keep both ends' windows consistent.
            self._skip -= 1
            return z.flush(zlib.Z_FULL_FLUSH) + _stored_blocks(data)
        out = z.compress(data) + z.flush(_PARTIAL_FLUSH)
        if len(data) >= self._BULK:
            if len(out) * 10 > len(data) * 9:
                self._skip = self._next_skip
                self._next_skip = min(self._next_skip * 2, self._SKIP_MAX)
            else:
                self._next_skip = self._SKIP
        return out

    def _read_exact(self, n):
        if self._zin is not None:
            buf = self._rbuf
            while len(buf) < n:
                if not self._inflate_more():
                    return None
            with memoryview(buf) as view:
                out = view[:n].tobytes()  # one copy: bytes(buf[:n]) makes two
            del buf[:n]
            return out
        parts, got = [], 0
        while got < n:
            try:
                b = os.read(self.rfd, min(n - got, 1 << 20))
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                raise
            if not b:
                return None
            parts.append(b)
            got += len(b)
        return b''.join(parts)

    def read_raw(self):
        """Returns (raw frame bytes, Frame with header still as bytes) or None at EOF."""
        if self._zin is not None:
            # The length and the rest taken out of the inflated buffer at once: a 128 KB DATA frame is not copied
            # again to join its two parts.
            buf = self._rbuf
            while len(buf) < 4:
                if not self._inflate_more():
                    return None
            return self._read_exact(4 + struct.unpack_from('>I', buf, 0)[0])
        first = self._read_exact(4)
        if first is None:
            return None
        (length,) = struct.unpack('>I', first)
        rest = self._read_exact(length)
        if rest is None:
            return None
        return first + rest

    def write_raw(self, data, lazy=False):
        """Writes frames; a lazy one leaves with the next write, or after _LAZY_DELAY: one SSH packet less."""
        with self.wlock:
            if lazy:
                self._lazy.append(data)
                if self._lazy_timer is None:
                    self._lazy_timer = threading.Timer(self._LAZY_DELAY, self._flush_lazy)
                    self._lazy_timer.daemon = True
                    self._lazy_timer.start()
                return
            if self._lazy:
                self._lazy.append(data)
                data = b''.join(self._lazy)
                self._lazy = []
            self._write_locked(data)

    def _flush_lazy(self):
        with self.wlock:
            self._lazy_timer = None
            if self._lazy:
                data = b''.join(self._lazy)
                self._lazy = []
                try:
                    self._write_locked(data)
                except OSError:
                    pass  # the link is gone; the reader side notices

    def _write_locked(self, data):
        if self._zout is not None:
            data = self._deflate(data)
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.wfd, view)
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                raise
            view = view[n:]


# Ends a frame like Z_SYNC_FLUSH (every byte of it can be inflated at once) with a 10-bit empty block instead of
# a 5-byte one: ~3.5 bytes less per frame, which is most of what a repeated reply costs.
_PARTIAL_FLUSH = getattr(zlib, 'Z_PARTIAL_FLUSH', 1)


def _stored_blocks(data):
    """Deflate stored blocks (RFC 1951 3.2.4, not final) holding data; the stream must be byte-aligned."""
    parts = []
    for i in range(0, len(data), 0xffff):
        piece = data[i:i + 0xffff]
        parts.append(struct.pack('<BHH', 0, len(piece), len(piece) ^ 0xffff))
        parts.append(piece)
    return b''.join(parts)


def decode_frame(raw):
    _, dst, src, req, kind, hlen = _HEAD.unpack_from(raw, 0)
    off = _HEAD.size
    header = json.loads(raw[off:off + hlen].decode('utf-8')) if hlen else {}
    # A file chunk's body is a view of the frame, not a copy: receive_file only hashes and writes it.
    body = memoryview(raw)[off + hlen:] if kind == DATA else raw[off + hlen:]
    return Frame(dst, src, req, kind, header, body)


def peek_dst(raw):
    return struct.unpack_from('>I', raw, 4)[0]


# ---------------------------------------------------------------------------------------------------------
# Module code served from RAM.

def content_digest(zf):
    """The engine's key for module code (ModuleZips.contentDigest): SHA-256 over the entries sorted by name."""
    h = hashlib.sha256()
    for name in sorted(zf.namelist()):
        data = zf.read(name)
        h.update(name.encode('utf-8'))
        h.update(b'\0')
        h.update(struct.pack('>Q', len(data)))
        h.update(data)
    return h.hexdigest()


class ZipStore(object):
    """AnsiballZ ZIPs kept by content digest for the life of this interpreter; the newest is searched first."""

    def __init__(self):
        self.zips = {}
        self.order = []
        self.lock = threading.Lock()

    def has(self, sha):
        return sha in self.zips

    def add(self, digest, data):
        zf = zipfile.ZipFile(io.BytesIO(data))
        actual = content_digest(zf)
        if actual != digest:
            raise ValueError('module ZIP digest mismatch: expected %s, got %s' % (digest, actual))
        with self.lock:
            if digest not in self.zips:
                self.zips[digest] = (zf, set(zf.namelist()))
                self.order.insert(0, digest)

    def data(self, digest):
        """The ZIP's bytes, to hand to a child context; None if this context does not hold it."""
        entry = self.zips.get(digest)
        return entry[0].fp.getvalue() if entry is not None else None

    def find(self, fullname, prefer=None):
        base = fullname.replace('.', '/')
        shas = ([prefer] if prefer in self.zips else []) + self.order
        for sha in shas:
            zf, names = self.zips[sha]
            for path, is_pkg in ((base + '/__init__.py', True), (base + '.py', False)):
                if path in names:
                    return sha, path, is_pkg
        return None


class RamImporter(object):
    """A meta-path finder and loader for modules inside the stored ZIPs (PEP 451 API, Python 3.4+)."""

    def __init__(self, store):
        self.store = store
        self.prefer = None
        self.code_cache = {}
        self.loaded = {}      # module name -> (ZIP digest, member) it was executed from
        self.generation = 0   # counts executions, so that a ZIP already checked is not checked again
        self.checked = {}     # ZIP digest -> generation at its last stale_for check

    def find_spec(self, fullname, path=None, target=None):
        hit = self.store.find(fullname, self.prefer)
        if hit is None:
            return None
        import importlib.machinery
        sha, zpath, is_pkg = hit
        spec = importlib.machinery.ModuleSpec(fullname, self, origin='ram://%s/%s' % (sha[:12], zpath),
                                              is_package=is_pkg)
        spec.has_location = False
        if is_pkg:
            spec.submodule_search_locations = []
        return spec

    # Loader protocol.
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = self.get_code(module.__name__)
        module.__file__ = module.__spec__.origin
        hit = self.store.find(module.__name__, self.prefer)
        self.loaded[module.__name__] = (hit[0], hit[1])
        self.generation += 1
        exec(code, module.__dict__)

    def forget_stale(self, digest):
        """Before a module from ZIP `digest` runs: if a module imported from an earlier ZIP has other content in
        this one (the same module_util name in another role, project or module_utils path), every module served
        from RAM is dropped from sys.modules, so that this run imports this ZIP's copies, as the fresh process of
        stock Ansible does. All of them, since the modules that imported the stale one hold references to it.
        Returns the names that differed."""
        entry = self.store.zips.get(digest)
        if entry is None or self.checked.get(digest) == self.generation:
            return []
        zf, names = entry
        stale = []
        for name, (sha, member) in list(self.loaded.items()):
            if sha == digest or member not in names or sha not in self.store.zips:
                continue
            old, new = self.store.zips[sha][0].getinfo(member), zf.getinfo(member)
            if (old.CRC, old.file_size) != (new.CRC, new.file_size):
                stale.append(name)
        if stale:
            for name in list(self.loaded):
                if sys.modules.get(name) is not None and getattr(sys.modules[name], '__loader__', None) is self:
                    del sys.modules[name]
            self.loaded.clear()
        self.checked[digest] = self.generation
        return stale

    def _locate(self, fullname):
        hit = self.store.find(fullname, self.prefer)
        if hit is None:
            raise ImportError('no module named %r in the served code' % (fullname,), name=fullname)
        return hit

    def get_code(self, fullname):
        sha, zpath, _ = self._locate(fullname)
        key = (sha, zpath)
        code = self.code_cache.get(key)
        if code is None:
            zf = self.store.zips[sha][0]
            code = compile(zf.read(zpath), 'ram://%s/%s' % (sha[:12], zpath), 'exec', dont_inherit=True)
            self.code_cache[key] = code
        return code

    def get_source(self, fullname):
        sha, zpath, _ = self._locate(fullname)
        return self.store.zips[sha][0].read(zpath).decode('utf-8')

    def is_package(self, fullname):
        return self._locate(fullname)[2]

    def get_data(self, path):
        # pkgutil.get_data() on served packages: path is 'ram://SHA12/inner/path'.
        for sha in self.store.order:
            prefix = 'ram://%s/' % sha[:12]
            if path.startswith(prefix):
                return self.store.zips[sha][0].read(path[len(prefix):])
        raise IOError(errno.ENOENT, 'not in served code', path)


# ---------------------------------------------------------------------------------------------------------
# Running modules and commands.

class Outcome(object):
    __slots__ = ('rc', 'stdout', 'stderr')

    def __init__(self, rc, stdout, stderr):
        self.rc, self.stdout, self.stderr = rc, stdout, stderr


def _uncaught(saved_hook):
    """What the interpreter does with an exception nothing caught: the module's own sys.excepthook if it set
    one (file does: it turns its errors into fail_json), else a traceback that starts in the module's code."""
    etype, value, tb = sys.exc_info()
    hook = sys.excepthook
    if hook is not saved_hook and hook is not sys.__excepthook__:
        try:
            hook(etype, value, tb)
            return 1, b''
        except SystemExit as e:
            return _exit_code(e)
        except BaseException:
            pass
    first = tb
    while first is not None and not first.tb_frame.f_code.co_filename.startswith('ram://'):
        first = first.tb_next
    text = ''.join(traceback.format_exception(etype, value, first if first is not None else tb))
    return 1, text.encode('utf-8', 'replace')


def _exit_code(e):
    code = e.code
    if code is None:
        return 0, b''
    if isinstance(code, int):
        return code, b''
    return 1, (str(code) + '\n').encode('utf-8', 'replace')


class _Capture(io.TextIOWrapper):
    """Text stdout/stderr over a BytesIO, as modules expect (print() and .buffer both work)."""

    def __init__(self):
        io.TextIOWrapper.__init__(self, io.BytesIO(), encoding='utf-8', errors='surrogateescape',
                                  line_buffering=False, write_through=True)

    def value(self):
        self.flush()
        return self.buffer.getvalue()


# Modules that misbehave in a reused interpreter: they always run in a forked child, whatever the task's
# mitogen_task_isolation says. Names are a module's last component, so ansible.builtin.dnf, ansible.legacy.dnf
# and collection copies all match. This is the only such list.
ALWAYS_FORK = frozenset([
    'dnf',             # Mitogen #280, #776: libdnf/hawkey keep global state and the rpmdb lock between runs
    'dnf5',            # the same bindings family as dnf
    'yum',             # yum/rpm bindings cache the rpmdb and hold its lock (Python 2 targets)
    'yum_repository',  # Mitogen #154: in a loop, each repo file got every previous item (class-level state)
    'firewalld',       # Mitogen #570: its module_utils caches the D-Bus connection
    'pip',             # Mitogen #591; imports pkg_resources, whose working set is stale after an install
    'package_facts',   # Mitogen #890: fails from the 2nd run on in a reused interpreter (cached rpm/apt state)
])


# Ansible marks a no_log task's module arguments so (json.dumps, in every supported release). A value that merely
# contains this text has its quotes escaped in the JSON, so it cannot match; a false match would only hide logs.
_NO_LOG_PARAM = re.compile(r'"_ansible_no_log":\s*true')


def must_fork(fqn):
    return fqn.rsplit('.', 1)[-1] in ALWAYS_FORK


class ModuleRunner(object):
    """Runs a new-style module from a stored ZIP, either in this interpreter (reuse) or in a forked child."""

    def __init__(self, store, importer):
        self.store = store
        self.importer = importer
        self.inproc = threading.Lock()

    def run(self, header):
        isolation = header.get('isolation') or 'isolated'
        if isolation == 'fork':
            return self._run_forked(header)
        if isolation != 'reuse' or must_fork(header['fqn']) or not self.inproc.acquire(False):
            return self._run_isolated(header)
        try:
            return self._run_here(header)
        finally:
            self.inproc.release()

    def _prepare(self, header):
        self.importer.prefer = header['zip_digest']
        self.importer.forget_stale(header['zip_digest'])
        params = header['params']
        if not isinstance(params, bytes):
            params = params.encode('utf-8')
        header['_params_bytes'] = params
        fqn = header['fqn']
        if header.get('runner', 'runpy') == 'runpy':
            basic = __import__('ansible.module_utils.basic', fromlist=['basic'])
            basic._ANSIBLE_ARGS = params
        basic = sys.modules.get('ansible.module_utils.basic')
        if basic is not None:
            _ReceivedFiles.install(basic)
        return fqn

    def _invoke(self, fqn, header):
        argv = sys.argv
        sys.argv = ['ram://%s' % fqn]
        try:
            if header.get('runner', 'runpy') == 'loader':
                # ansible-core 2.19+: the ZIP carries the runner its wrapper calls; call it the same way, so
                # arguments, profile and error reporting are exactly stock's.
                loader = __import__('ansible.module_utils._internal._ansiballz._loader', fromlist=['_loader'])
                # 2.22's runner also takes the secrets its wrapper was given (masked in the module's output)
                kw = {'secrets': frozenset(header['secrets'])} if 'secrets' in header else {}
                loader.run_module(json_params=header['_params_bytes'], profile=header.get('profile'),
                                  module_fqn=fqn, modlib_path='ram://%s' % header['zip_digest'][:12],
                                  extensions=header.get('extensions') or {}, **kw)
            else:
                import runpy
                runpy.run_module(fqn, init_globals=dict(_module_fqn=fqn, _modlib_path=None),
                                 run_name='__main__', alter_sys=True)
        finally:
            sys.argv = argv

    def _run_here(self, header):
        saved_env = _EnvironSnapshot()
        saved_cwd = _getcwd()
        saved_path = list(sys.path)
        saved_out, saved_err = sys.stdout, sys.stderr
        out, err = _Capture(), _Capture()
        exits = []
        import atexit
        saved_register = atexit.register

        def register(func, *args, **kwargs):
            # Exit handlers a module registers (temp dir removal) run when the task ends, not when this
            # long-lived interpreter ends.
            exits.append((func, args, kwargs))
            return func

        rc = 0
        extra_err = b''
        saved_hook = sys.excepthook
        try:
            # Libraries a previous task installed (pip, package managers) must be importable now.
            import importlib
            importlib.invalidate_caches()
            _apply_env_cwd(header)
            fqn = self._prepare(header)
            sys.stdout, sys.stderr = out, err
            atexit.register = register
            try:
                self._invoke(fqn, header)
            except SystemExit as e:
                rc, extra_err = _exit_code(e)
            except BaseException:
                rc, extra_err = _uncaught(saved_hook)
        finally:
            sys.excepthook = saved_hook
            atexit.register = saved_register
            for func, args, kwargs in reversed(exits):
                try:
                    func(*args, **kwargs)
                except Exception:
                    pass
            sys.stdout, sys.stderr = saved_out, saved_err
            _reset_module_state()
            saved_env.restore()
            sys.path[:] = saved_path
            try:
                os.chdir(saved_cwd)
            except OSError:
                pass
        return Outcome(rc, out.value(), err.value() + extra_err)

    def _run_isolated(self, header):
        # A child of this context's fork server (ForkServer): never a fork of this multi-threaded process.
        return AGENT.forks.run(header)

    def _run_forked(self, header):
        def child():
            _apply_env_cwd(header)
            fqn = self._prepare(header)
            self._invoke(fqn, header)
        return run_in_child(child, self.inproc)


# ---------------------------------------------------------------------------------------------------------
# Isolated module runs (the default, `mitogen_task_isolation: isolated`): a fork server per interpreter.
#
# Each context starts, beside its threads, one single-threaded process (the zygote): forked from the agent at the
# start of main(), before any thread exists (or, to replace one that died, a fresh interpreter of the same Python
# running this core), which is given each module ZIP once, imports the commonly used module_utils
# from the first one, and keeps one child forked ahead of time while it is idle. A task hands its request to that
# ready child, which runs exactly one module in a process of its own and exits, so nothing a module does to its
# process (umask, environment, cwd, handlers, imports, globals, signal handlers, threads) reaches another task,
# as under stock Ansible. Only the zygote ever forks, and it never has a second thread.
#
# Zygote -> agent, on the control socket: 16-byte records (kind, pid, a, b); READY carries the child's three
# descriptors (SCM_RIGHTS): its request socket, the read ends of its stdout and stderr; `a` is how many ZIPs the
# child was forked with. EXITED carries the status waitpid gave (`a`).
# Agent -> zygote: 4-byte length, then a JSON header, then the header's `size` bytes: `zip` (a ZIP and the module
# to precompile), `took` (the ready child was handed a task: fork the next).
# Agent -> child, on the request socket: 4-byte length, JSON header (the run_module header), then `zip_size` bytes of
# ZIP when the child was forked before that ZIP reached the zygote. Child -> agent: one JSON object a line:
# {"started": 1} once it has the request, {"log": [level, name, msg]} per log record, {"rc": n} at its end.

_ZREC = struct.Struct('>IIii')
_Z_READY, _Z_EXITED = 1, 2
_ZYGOTE_STAGE1 = ("import os,sys,zlib\n"
                  "n=int(sys.argv[1]);ZYGOTE_FD=int(sys.argv[2]);C=b''\n"
                  "while len(C)<n:\n"
                  " b=os.read(0,n-len(C))\n"
                  " if not b:os._exit(1)\n"
                  " C+=b\n"
                  "sys.argv=['-c']\n"
                  "exec(compile(zlib.decompress(C),'<ansible-mitogen-core>','exec'))\n")
# module_utils the zygote imports from its first ZIP, when that ZIP has them, so that children start warm.
_WARM_MODULES = ('ansible.module_utils.basic', 'ansible.module_utils._internal._ansiballz._loader')
# How long a task waits for the fork server to hand it a child (a fresh zygote's start included).
_ZYGOTE_START_SECONDS = 30.0


def _send_all(sock, data):
    view = memoryview(data)
    while view:
        view = view[sock.send(view):]


def _recv_exact(sock, n):
    parts, got = [], 0
    while got < n:
        try:
            b = sock.recv(min(n - got, 1 << 20))
        except (IOError, OSError):
            b = b''  # reset by a peer that died: the same as its end
        if not b:
            return None
        parts.append(b)
        got += len(b)
    return b''.join(parts)


def _send_msg(sock, header, body=b''):
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    _send_all(sock, struct.pack('>I', len(h)) + h + body)


def _recv_msg(sock):
    """(header, body) of a message written by _send_msg; None at EOF."""
    n = _recv_exact(sock, 4)
    if n is None:
        return None
    h = _recv_exact(sock, struct.unpack('>I', n)[0])
    if h is None:
        return None
    header = json.loads(h.decode('utf-8'))
    size = int(header.get('size') or 0)
    body = _recv_exact(sock, size) if size else b''
    if body is None:
        return None
    return header, body


class _ReadyChild(object):
    __slots__ = ('pid', 'zips', 'sock', 'out', 'err')

    def __init__(self, pid, zips, fds):
        import socket
        self.pid, self.zips = pid, zips
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fds[0])
        self.out, self.err = fds[1], fds[2]

    def close(self):
        for fd in (self.out, self.err):
            try:
                os.close(fd)
            except OSError:
                pass
        self.sock.close()


class ForkServer(object):
    """The agent's side of its zygote: starts it (again, after it died), hands tasks to its ready children and
    collects their results. A task's critical path is one write to a child that is already forked and warm."""

    def __init__(self, agent):
        self.agent = agent
        self.cv = threading.Condition()
        self.ready = []          # _ReadyChild, oldest first
        self.exited = {}         # pid -> waitpid status, of children whose end a task waits for
        self.waiting = set()     # pids a task waits on
        self.sent = {}           # ZIP digest -> how many ZIPs the zygote held before it
        self.ctl = None
        self.wlock = threading.Lock()  # one writer at a time on the control socket
        self.proc = None
        self.generation = 0
        self.failure = None      # why the last start failed
        self.starting = False

    # -- the zygote process
    def start(self):
        """Starts a zygote; errors are kept in self.failure for the task that needs one."""
        import socket
        if CORE_BYTES is None or not sys.executable:
            self.failure = 'this interpreter was not started by stage 1 or does not know its executable'
            return False
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            flags = getattr(subprocess, '_args_from_interpreter_flags', lambda: [])()
            argv = [sys.executable] + flags + ['-c', _ZYGOTE_STAGE1, str(len(CORE_BYTES)), str(theirs.fileno())]
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, close_fds=True, pass_fds=(theirs.fileno(),))
        except (OSError, ValueError) as e:
            ours.close()
            self.failure = 'cannot run %s: %s' % (sys.executable, getattr(e, 'strerror', None) or e)
            return False
        finally:
            theirs.close()
        try:
            proc.stdin.write(CORE_BYTES)
            proc.stdin.close()
        except (IOError, OSError):
            pass  # it died: the reader sees EOF and the task the reason
        self.adopt(ours, proc)
        return True

    def adopt(self, ctl, proc):
        """Serves from a zygote reached through ctl; proc has its pid, wait() and returncode."""
        with self.cv:
            self.generation += 1
            self.ctl, self.proc, self.sent, self.failure = ctl, proc, {}, None
        t = threading.Thread(target=self._read, args=(ctl, proc, self.generation))
        t.daemon = True
        t.start()

    def _read(self, ctl, proc, generation):
        import socket
        fd_size = struct.calcsize('3i')
        try:
            while True:
                data, anc, _, _ = ctl.recvmsg(_ZREC.size, socket.CMSG_SPACE(fd_size))
                if not data:
                    break
                while len(data) < _ZREC.size:
                    more = ctl.recv(_ZREC.size - len(data))
                    if not more:
                        raise EOFError()
                    data += more
                kind, pid, a, b = _ZREC.unpack(data)
                fds = []
                for level, typ, cdata in anc:
                    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                        fds.extend(struct.unpack('%di' % (len(cdata) // 4), cdata[:len(cdata) - len(cdata) % 4]))
                with self.cv:
                    if kind == _Z_READY and len(fds) == 3:
                        self.ready.append(_ReadyChild(pid, a, fds))
                    elif kind == _Z_EXITED:
                        if pid in self.waiting:
                            self.exited[pid] = a
                        for child in [c for c in self.ready if c.pid == pid]:
                            self.ready.remove(child)  # a ready child someone killed: the zygote forks another
                            child.close()
                    self.cv.notify_all()
        except (EOFError, OSError, ValueError):
            pass
        finally:
            try:
                proc.wait()
            except OSError:
                pass
            with self.cv:
                if self.generation == generation:
                    self.failure = 'the fork server (pid %d) ended with status %s' % (proc.pid, proc.returncode)
                    self.ctl = None
                    for child in self.ready:
                        child.close()
                    self.ready = []
                    self.cv.notify_all()
            ctl.close()
            self.agent.log('WARNING', 'forkserver', 'context %d: %s' % (self.agent.id, self.failure)
                           if self.generation == generation else 'an earlier fork server ended')

    def _tell(self, ctl, header, body=b''):
        try:
            with self.wlock:
                _send_msg(ctl, header, body)
        except (IOError, OSError):
            pass  # its end shows in the reader

    def _take(self, digest, fqn):
        """A ready child, after giving the zygote the ZIP if it has not had it; starts the zygote if needed."""
        deadline = time.time() + _ZYGOTE_START_SECONDS
        restarted = False
        starter = False
        while True:
            with self.cv:
                ctl = self.ctl
                if ctl is None and not self.starting:
                    if restarted:
                        raise RemoteError('failed', 'context %d: the fork server that runs isolated tasks could '
                                                    'not be started: %s' % (self.agent.id, self.failure))
                    restarted = starter = True
                    self.starting = True
                elif ctl is not None and digest not in self.sent:
                    self.sent[digest] = len(self.sent)
                    data = self.agent.store.data(digest)
                    # sent under cv, so no child announced later can be taken before the zygote has read it
                    self._tell(ctl, {'op': 'zip', 'digest': digest, 'fqn': fqn, 'size': len(data)}, data)
                elif ctl is not None and self.ready:
                    child = self.ready.pop(0)
                    self.waiting.add(child.pid)
                    self._tell(ctl, {'op': 'took'})
                    return child, self.sent[digest] >= child.zips
                elif ctl is not None:
                    left = deadline - time.time()
                    if left <= 0:
                        raise RemoteError('failed', 'context %d: the fork server gave no child to run %s within '
                                                    '%d s' % (self.agent.id, fqn, _ZYGOTE_START_SECONDS))
                    self.cv.wait(min(left, 1.0))
                    continue
                else:
                    self.cv.wait(1.0)  # another task is starting it
                    continue
            if starter:
                starter = False
                try:
                    if self.start():
                        self.agent.log('INFO', 'forkserver', 'context %d: fork server started again'
                                       % self.agent.id)
                finally:
                    with self.cv:
                        self.starting = False
                        self.cv.notify_all()

    def _status(self, pid):
        with self.cv:
            while pid not in self.exited and self.ctl is not None:
                self.cv.wait(1.0)
            self.waiting.discard(pid)
            return self.exited.pop(pid, None)

    def run(self, header):
        """Runs one module in a ready child; its Outcome as run_in_child gives it."""
        for _ in range(3):
            child, needs_zip = self._take(header['zip_digest'], header['fqn'])
            try:
                outcome = self._run_in(child, header, needs_zip)
            finally:
                child.close()
            if outcome is not None:
                return outcome
        raise RemoteError('failed', 'context %d: three children of the fork server died before they could run %s'
                          % (self.agent.id, header['fqn']))

    def _run_in(self, child, header, needs_zip):
        """None when the child died before it had the task (killed while ready): the caller takes another."""
        request = dict((k, header.get(k)) for k in ('fqn', 'zip_digest', 'params', 'runner', 'profile',
                                                    'extensions', 'env', 'cwd'))
        if 'secrets' in header:
            request['secrets'] = header['secrets']  # 2.22's runner takes them (_invoke); absent before 2.22
        params = header.get('params') or ''
        raw = params.encode('utf-8', 'surrogateescape') if not isinstance(params, bytes) else params
        if RECEIVED_FILES.files:
            request['known_files'] = RECEIVED_FILES.named_in(raw)
        body = self.agent.store.data(header['zip_digest']) if needs_zip else b''
        request['size'] = len(body)
        try:
            _send_msg(child.sock, request, body)
        except (IOError, OSError):
            pass  # dead already: the status tells
        outs, errs, lines = [], [], [b'']
        rc = None
        started = False
        open_fds = {child.out: outs, child.err: errs, child.sock.fileno(): lines}
        # Done when its output has ended and it said how it ended (or its socket closed: it died).
        while child.out in open_fds or child.err in open_fds or (rc is None and open_fds):
            try:
                ready = select.select(list(open_fds), [], [])[0]
            except (OSError, select.error) as e:
                if getattr(e, 'errno', None) == errno.EINTR or (e.args and e.args[0] == errno.EINTR):
                    continue
                raise
            for fd in ready:
                try:
                    b = os.read(fd, 65536)
                except OSError as e:
                    if e.errno == errno.EINTR:
                        continue
                    b = b''
                sink = open_fds[fd]
                if not b:
                    del open_fds[fd]
                    continue
                if sink is not lines:
                    sink.append(b)
                    continue
                lines[0] += b
                while b'\n' in lines[0]:
                    line, lines[0] = lines[0].split(b'\n', 1)
                    msg = json.loads(line.decode('utf-8'))
                    if 'log' in msg:
                        level, name, text = msg['log']
                        self.agent.log(level, name, text)
                    elif 'rc' in msg:
                        rc = msg['rc']
                    elif 'started' in msg:
                        started = True
        if rc is not None:
            with self.cv:  # ended by itself and said so: its waitpid status adds nothing
                self.waiting.discard(child.pid)
                self.exited.pop(child.pid, None)
            return Outcome(rc, b''.join(outs), b''.join(errs))
        status = self._status(child.pid)
        if not started:
            return None  # killed while it waited for a task, or the zygote ended under it: the caller retries
        if status is None:
            raise RemoteError('failed', 'context %d: the fork server ended while %s ran; its exit status is '
                                        'unknown' % (self.agent.id, header['fqn']))
        return Outcome(_status_rc(status), b''.join(outs), b''.join(errs))


class _ForkedZygote(object):
    """The agent's handle on a zygote it forked at start-up (a Popen is the handle on one started later)."""

    def __init__(self, pid):
        self.pid, self.returncode = pid, None

    def wait(self):
        _, status = os.waitpid(self.pid, 0)
        self.returncode = _status_rc(status)
        return self.returncode


def fork_zygote_early(close_fds):
    """At the start of main(), while this process still has one thread, the zygote is forked from it: a fork costs
    about a millisecond where starting a new interpreter for it costs tens of milliseconds of CPU (a play's first
    contact with 30 hosts starts 30 of them). Later zygotes (after one died) are new interpreters (ForkServer.start),
    since by then this process has threads. Returns (control socket, handle), or None."""
    import socket
    try:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    except (IOError, OSError):
        return None
    try:
        pid = os.fork()
    except OSError:
        ours.close()
        theirs.close()
        return None
    if pid == 0:
        try:
            ours.close()
            for fd in close_fds:  # the channel and the stray-output pipe are the agent's alone
                os.close(fd)
            zygote_main(theirs.detach())
        finally:
            os._exit(1)
    theirs.close()
    return ours, _ForkedZygote(pid)


class _Zygote(object):
    """The fork server's own process: single-threaded; forks one child per task, ahead of time, when idle."""

    def __init__(self, ctl):
        self.ctl = ctl
        self.store = ZipStore()
        self.importer = RamImporter(self.store)
        sys.meta_path.insert(0, self.importer)
        self.ready = None        # pid of the child forked ahead of time and not yet taken
        self.warm = False

    def serve(self):
        import socket
        wake_r, wake_w = os.pipe()
        for fd in (wake_r, wake_w):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.set_wakeup_fd(wake_w)
        self.wake = (wake_r, wake_w)
        while True:
            self._reap()
            if self.ready is None:
                self._fork()
            try:
                readable = select.select([self.ctl, wake_r], [], [])[0]
            except (OSError, select.error):
                continue
            if wake_r in readable:
                try:
                    while os.read(wake_r, 512):
                        pass
                except OSError:
                    pass
            if self.ctl in readable:
                msg = _recv_msg(self.ctl)
                if msg is None:
                    os._exit(0)  # the agent has gone; children that run a task finish on their own
                self._on(*msg)

    def _on(self, header, body):
        op = header.get('op')
        if op == 'zip':
            try:
                self.store.add(header['digest'], body)
                self._warm_up(header['digest'], header.get('fqn'))
            except Exception as e:
                sys.stderr.write('fork server: ZIP %s: %s\n' % (header.get('digest'), e))
                sys.stderr.flush()
        elif op == 'took':
            # The next child is forked at once, while the taken one runs its task: with a second core free the
            # fork costs the next task nothing, where forking after this task's end put it on a quick task's path.
            self.ready = None

    def _warm_up(self, digest, fqn):
        self.importer.prefer = digest
        if not self.warm:
            self.warm = True
            for name in _WARM_MODULES:
                if self.store.find(name, digest) is not None:
                    try:
                        __import__(name)
                    except BaseException:
                        for n in [n for n in sys.modules if n == name or n.startswith(name + '.')]:
                            del sys.modules[n]
        # A child compiles nothing for this module's own code: it is in the importer's cache.
        if fqn:
            try:
                self.importer.get_code(fqn)
            except Exception:
                pass
        _WarmFit.check(self.store, digest)

    def _reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except OSError:
                return
            if pid == 0:
                return
            if pid == self.ready:
                self.ready = None
            self.ctl.sendall(_ZREC.pack(_Z_EXITED, pid, status, 0))

    def _fork(self):
        import socket
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        # Done here, not in the child: the child then lists a directory only when it imports something new, and a
        # library an earlier task installed is seen.
        import importlib
        importlib.invalidate_caches()
        if hasattr(gc, 'freeze'):
            gc.freeze()  # Python 3.7+: the child's collections skip what is here, so its pages stay shared
        pid = os.fork()
        if pid == 0:
            rc = 1
            try:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for fd in (out_r, err_r, self.wake[0], self.wake[1]):
                    os.close(fd)
                ours.close()
                self.ctl.close()
                rc = _zygote_child(self.store, self.importer, theirs, out_w, err_w)
            finally:
                os._exit(rc & 0xff)
        theirs.close()
        os.close(out_w)
        os.close(err_w)
        try:
            self.ctl.sendmsg([_ZREC.pack(_Z_READY, pid, len(self.store.order), 0)],
                             [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack('3i', ours.fileno(), out_r, err_r))])
        finally:
            ours.close()
            os.close(out_r)
            os.close(err_r)
        self.ready = pid


class _WarmFit(object):
    """Whether the modules a zygote imported ahead (from one ZIP) are what another ZIP holds: a daemon's target may
    run ansible-core 2.14 payloads today and 2.19 ones tomorrow. A child whose ZIP differs drops them first."""

    fits = {}

    @classmethod
    def check(cls, store, digest):
        if digest in cls.fits:
            return cls.fits[digest]
        entry = store.zips.get(digest)
        ok = entry is not None
        for name, mod in list(sys.modules.items()):
            origin = getattr(getattr(mod, '__spec__', None), 'origin', None) or ''
            if not ok or not origin.startswith('ram://'):
                continue
            sha12, path = origin[len('ram://'):].split('/', 1)
            if sha12 == digest[:12]:
                continue
            src = [d for d in store.order if d[:12] == sha12]
            try:
                ok = bool(src) and path in entry[1] and entry[0].read(path) == store.zips[src[0]][0].read(path)
            except Exception:
                ok = False
        cls.fits[digest] = ok
        return ok

    @staticmethod
    def forget_served():
        for name in [n for n, m in sys.modules.items()
                     if (getattr(getattr(m, '__spec__', None), 'origin', None) or '').startswith('ram://')]:
            del sys.modules[name]


class _ChildLogs(object):
    """logging in a fork server's child: records no handler takes (what a fresh Python prints to stderr through
    logging.lastResort) go to the agent as LOG records, with the task's reply. Nothing else of logging changes, so a
    module sees the root logger and its handlers as in a fresh interpreter."""

    @staticmethod
    def install(sock):
        import logging

        def send(level, name, msg):
            try:
                _send_all(sock, json.dumps({'log': [level, name, msg]}).encode('utf-8') + b'\n')
            except Exception:
                pass

        handler = _forwarding_handler(send)
        handler.setLevel(logging.WARNING)
        logging.lastResort = handler


def _forwarding_handler(send):
    """A logging handler that passes each record's level name, logger name and message to send()."""
    import logging

    class Forward(logging.Handler):
        def emit(self, record):
            try:
                msg = self.format(record)
            except Exception:
                msg = str(record.msg)
            send(record.levelname, record.name, msg)

    handler = Forward()
    handler.setFormatter(logging.Formatter('%(message)s'))
    return handler


def _zygote_child(store, importer, sock, out_w, err_w):
    """A fork server's child: waits for its one task, runs it and says how it ended. Returns the exit status."""
    msg = _recv_msg(sock)
    if msg is None:
        return 0  # the agent went away, or the task went to another child
    header, body = msg
    _send_all(sock, b'{"started":1}\n')
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.close(out_w)
    os.close(err_w)
    # sys.stdout and sys.stderr are the objects Python made for fds 1 and 2 at start, buffered as in a fresh
    # interpreter: output a module leaves in the buffer when it calls os._exit is lost, as under stock.
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    rc = 1
    try:
        if body:
            store.add(header['zip_digest'], body)
        if not _WarmFit.check(store, header['zip_digest']):
            _WarmFit.forget_served()
        RECEIVED_FILES.learn(header.get('known_files'))
        _ChildLogs.install(sock)
        runner = ModuleRunner(store, importer)
        _apply_env_cwd(header)
        fqn = runner._prepare(header)
        try:
            runner._invoke(fqn, header)
            rc = 0
        except SystemExit as e:
            rc, text = _exit_code(e)
            if text:
                sys.stderr.write(text.decode('utf-8', 'replace'))
        except BaseException:
            rc, text = _uncaught(sys.__excepthook__)
            sys.stderr.write(text.decode('utf-8', 'replace'))
        rc = _finish_like_python(rc)
        # The task's output ends here, not when the kernel has torn down this process's copied pages.
        os.close(1)
        os.close(2)
    finally:
        try:
            _send_all(sock, ('{"rc":%d}\n' % (rc & 0xff)).encode('ascii'))
        except Exception:
            pass
    return rc


def _finish_like_python(rc):
    """What an interpreter does at exit and a module can see: wait for its non-daemon threads, run its atexit
    handlers, flush stdout and stderr. The rest of finalisation (freeing modules) shows nothing and costs ms."""
    try:
        shutdown = getattr(threading, '_shutdown', None)
        if shutdown is not None:
            shutdown()
    except BaseException:
        pass
    try:
        import atexit
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:
            if f is sys.stdout and rc == 0:
                rc = 120  # what Python exits with when it cannot flush stdout
    return rc


def zygote_main(fd):
    """Entry of a fork server process (started by ForkServer.start through _ZYGOTE_STAGE1)."""
    import socket
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fd)
    ctl.set_inheritable(False)
    _NoopPreexec.install()
    import logging  # noqa: F401 (nearly every module imports it: children start with it)
    import runpy  # noqa: F401 (the runner's)
    _Zygote(ctl).serve()


class _NoopPreexec(object):
    """Drops AnsibleModule.run_command's preexec_fn where running it would change nothing, so that subprocess can
    start the command with vfork (Python 3.10+) instead of fork.

    A module run in this long-lived interpreter forks a process as big as the agent for each command, and with a
    preexec_fn CPython must also run Python code in the child before exec; measured here, `hostname` through
    subprocess took 2.1 ms that way and 0.9 ms with vfork. run_command always passes its local `preexec`, which
    calls `self._restore_signal_handlers()` (ansible-core 2.14-2.18: restores SIGPIPE on Python 2 only) and
    `os.umask(umask)` if a umask was asked for. It is dropped only when every part of it is known to do nothing:
    the closure reads exactly those names, no umask was given, and `_restore_signal_handlers` is ansible-core's
    own (not a subclass's) and acts on Python 2 only. Anything else keeps the preexec_fn, as stock runs it."""

    NAMES = frozenset(['_restore_signal_handlers', 'os', 'umask'])

    @classmethod
    def install(cls):
        original = subprocess.Popen.__init__
        if getattr(original, '_ansible_mitogen', False):
            return

        def __init__(self, *args, **kwargs):
            fn = kwargs.get('preexec_fn')
            if fn is not None and cls.is_noop(fn):
                kwargs['preexec_fn'] = None
            original(self, *args, **kwargs)

        __init__._ansible_mitogen = True
        subprocess.Popen.__init__ = __init__

    @classmethod
    def is_noop(cls, fn):
        try:
            code = fn.__code__
            if code.co_name != 'preexec' or not fn.__qualname__.endswith('run_command.<locals>.preexec'):
                return False
            if not set(code.co_names) <= cls.NAMES or not set(code.co_freevars) <= set(['self', 'umask']):
                return False
            cells = dict(zip(code.co_freevars, [c.cell_contents for c in fn.__closure__ or ()]))
            if cells.get('umask'):
                return False
            if '_restore_signal_handlers' in code.co_names:
                basic = sys.modules.get('ansible.module_utils.basic')
                stock = getattr(getattr(basic, 'AnsibleModule', None), '_restore_signal_handlers', None)
                if stock is None or getattr(type(cells.get('self')), '_restore_signal_handlers', None) is not stock:
                    return False
                if getattr(basic, 'PY2', True) or 'PY2' not in stock.__code__.co_names:
                    return False
            return True
        except Exception:
            return False


def _getcwd():
    try:
        return os.getcwd()
    except OSError:
        return '/'


class _EnvironSnapshot(object):
    """os.environ as it was before a module ran in this interpreter, put back afterwards.

    Restoring with clear() and update() costs an unsetenv and a putenv per variable on every task (0.3 ms of
    a 2.5 ms command task, profiled); most tasks change nothing or a few variables, so only those are touched.
    The comparison runs on os.environ's own bytes mapping where the interpreter has one (CPython 3)."""

    def __init__(self):
        self.raw = getattr(os.environ, '_data', None)
        self.saved = dict(self.raw) if isinstance(self.raw, dict) else dict(os.environ)

    def restore(self):
        env = os.environ
        current = self.raw if isinstance(self.raw, dict) and env._data is self.raw else None
        if current is not None and current == self.saved:
            return
        if current is None:
            env.clear()
            env.update(self.saved)
            return
        decode = env.decodekey
        for k in [k for k in current if k not in self.saved]:
            del env[decode(k)]
        for k, v in self.saved.items():
            if current.get(k) != v:
                env[decode(k)] = env.decodevalue(v)


# Whether the shell that started this interpreter exports `_` (bash and zsh set it to the program they run; dash
# does not). The controller asks for `_` as a bash login shell would set it when running the module's wrapper shell;
# a login shell that does not set it for us did not set it for that wrapper either.
STARTED_WITH_UNDERSCORE = '_' in os.environ


def _apply_env_cwd(header):
    PamLoginEnv.apply(_login_env_changes(), os.environ)
    env = header.get('env') or {}
    for k, v in env.items():
        if k != '_' or STARTED_WITH_UNDERSCORE:
            os.environ[k] = v
    cwd = header.get('cwd')
    if cwd:
        os.chdir(cwd)


def _reset_module_state():
    """Undo what ansible.module_utils keeps in globals between runs, where it is present."""
    mod = sys.modules.get('ansible.module_utils.common.warnings')
    if mod is not None:
        for name in ('_global_warnings', '_global_deprecations'):
            value = getattr(mod, name, None)
            if isinstance(value, list):  # ansible-core 2.14-2.18
                del value[:]
            elif isinstance(value, dict):  # 2.19+: dicts used as ordered sets of WarningSummary/DeprecationSummary
                value.clear()
    basic = sys.modules.get('ansible.module_utils.basic')
    if basic is not None and hasattr(basic, '_ANSIBLE_ARGS'):
        basic._ANSIBLE_ARGS = None


def _drain(fd, sink):
    while True:
        try:
            b = os.read(fd, 65536)
        except OSError as e:
            if e.errno == errno.EINTR:
                continue
            break
        if not b:
            break
        sink.append(b)
    os.close(fd)


def _reinit_after_fork():
    """In a forked child: forget locks other threads held at fork time, and modules they were importing.

    A task forks while another task may be running in this interpreter (isolation reuse) and be in the middle
    of an import. The child inherits that import's module lock, held by a thread that does not exist in the
    child, and a half-executed module in sys.modules: importing it would wait forever. So the child drops the
    per-module import locks and every half-initialised module, and imports those afresh from RAM."""
    try:
        bootstrap = sys.modules.get('importlib._bootstrap')
        if bootstrap is not None:
            getattr(bootstrap, '_module_locks', {}).clear()
            blocking = getattr(bootstrap, '_blocking_on', None)
            if hasattr(blocking, 'clear'):
                blocking.clear()
        for name, mod in list(sys.modules.items()):
            spec = getattr(mod, '__spec__', None)
            if spec is not None and getattr(spec, '_initializing', False):
                del sys.modules[name]
    except Exception:
        pass
    if AGENT is not None:
        AGENT.store.lock = threading.Lock()
        # A ZIP another thread was reading at fork time keeps its lock held forever in the child: reopen those.
        for digest, (zf, names) in list(AGENT.store.zips.items()):
            lock = getattr(zf, '_lock', None)
            if lock is not None and not lock.acquire(False):
                AGENT.store.zips[digest] = (zipfile.ZipFile(io.BytesIO(zf.fp.getvalue())), names)
            elif lock is not None:
                lock.release()
    if _ForwardLogging.handler is not None:
        _ForwardLogging.handler.createLock()  # Python 3.6 does not reinitialise logging locks at fork


# How long a fork waits for a module running in this interpreter to finish before forking anyway.
FORK_WAIT_SECONDS = 5.0


def run_in_child(func, quiet=None):
    """fork(); run func in the child with stdout/stderr on pipes; return its Outcome.

    `quiet` is held while forking, when it can be had within FORK_WAIT_SECONDS: the lock of the module running in
    this interpreter. A fork taken while that module imports C extensions or changes the environment copies a
    half-done state, and the child crashed with SIGSEGV now and then (WorkersTest: hosts sharing one fresh
    interpreter, one module in-process and the others forked during its first imports)."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    held = quiet is not None and quiet.acquire(True, FORK_WAIT_SECONDS)
    pid = -1
    try:
        pid = os.fork()
    finally:
        if held and pid != 0:
            quiet.release()
    if pid == 0:
        rc = 1
        try:
            _reinit_after_fork()
            os.close(out_r)
            os.close(err_r)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = io.TextIOWrapper(open(1, 'wb', 0, closefd=False), encoding='utf-8', write_through=True)
            sys.stderr = io.TextIOWrapper(open(2, 'wb', 0, closefd=False), encoding='utf-8', write_through=True)
            AGENT.close_channel_in_child()
            try:
                func()
                rc = 0
            except SystemExit as e:
                rc, msg = _exit_code(e)
                if msg:
                    os.write(2, msg)
            except BaseException:
                rc, msg = _uncaught(sys.__excepthook__)
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                except Exception:
                    pass
                if msg:
                    os.write(2, msg)
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except Exception:
                pass
        finally:
            os._exit(rc & 0xff)
    os.close(out_w)
    os.close(err_w)
    outs, errs = [], []
    t = threading.Thread(target=_drain, args=(err_r, errs))
    t.daemon = True
    t.start()
    _drain(out_r, outs)
    t.join()
    _, status = os.waitpid(pid, 0)
    return Outcome(_status_rc(status), b''.join(outs), b''.join(errs))


def _status_rc(status):
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


class PamLoginEnv(object):
    """The environment files a fresh login through PAM service SERVICE would read now (pam_env.so's envfile,
    /etc/environment unless readenv=0, as listed in /etc/pam.d/SERVICE), against what they held when this
    interpreter started.

    Stock Ansible runs `su USER -c ...` for every task, so each task is a new PAM session and sees a changed
    /etc/environment at once; this interpreter is that session kept, so a task gets the variables whose values in
    those files changed since (a removed one unset), and a task's own `environment:` still wins. Files are read
    again only when their (mtime, size, inode) changed. The login interpreter needs none of this: stock's ssh
    ControlMaster keeps one PAM session for its tasks too, and sudo's PAM stack on Debian has no pam_env."""

    def __init__(self, service):
        self.files = self._envfiles(service)
        self.cache = {}
        self.at_start = self.read()

    @staticmethod
    def _envfiles(service):
        files = []
        try:
            with open(os.path.join('/etc/pam.d', os.path.basename(service))) as f:
                lines = f.read().splitlines()
        except (IOError, OSError):
            return files
        for line in lines:
            words = line.split('#', 1)[0].split()
            if len(words) < 3 or words[0].lstrip('-') != 'session' or not words[2].endswith('pam_env.so'):
                continue
            opts = dict(w.split('=', 1) for w in words[3:] if '=' in w)
            if opts.get('readenv', '1') != '0':
                files.append(opts.get('envfile', '/etc/environment'))
        return files

    def read(self):
        env = {}
        for path in self.files:
            env.update(self._read_file(path))
        return env

    def _read_file(self, path):
        try:
            st = os.stat(path)
        except OSError:
            return {}
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        hit = self.cache.get(path)
        if hit is not None and hit[0] == key:
            return hit[1]
        values = {}
        try:
            with open(path, 'rb') as f:
                text = f.read().decode('utf-8', 'surrogateescape')
        except (IOError, OSError):
            text = ''
        for line in text.splitlines():
            line = line.strip()
            if line.startswith('export '):
                line = line[7:].lstrip()
            if not line or line.startswith('#') or '=' not in line:
                continue
            name, value = line.split('=', 1)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
                value = value[1:-1]  # pam_env strips one pair of quotes, no escapes
            if name and ' ' not in name:
                values[name] = value
        self.cache[path] = (key, values)
        return values

    def changes(self):
        """{name: value, or None to unset} for what changed since this interpreter started."""
        now = self.read()
        if now == self.at_start:
            return {}
        return dict((k, now.get(k)) for k in set(now) | set(self.at_start) if now.get(k) != self.at_start.get(k))

    @staticmethod
    def apply(changes, env):
        for k, v in changes.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v


LOGIN_ENV = None  # a PamLoginEnv in a context started through a PAM service that reads environment files


def _login_env_changes():
    return LOGIN_ENV.changes() if LOGIN_ENV is not None else {}


def _login_shell():
    """The passwd entry's shell, as sshd runs a command with it (`/bin/sh` when the entry names none)."""
    try:
        import pwd
        return pwd.getpwuid(os.getuid()).pw_shell or '/bin/sh'
    except (ImportError, KeyError):
        return '/bin/sh'


def command_argv(header):
    """(argv, executable) for an exec call: `argv` as given, else `cmd` run the way the header's `shell` says
    (docs/protocol.md "exec"): a named shell as `PATH -c CMD` ($0 the path, as a shell runs `PATH -c ...`), the
    login shell as sshd runs it ($0 its base name), `split` as the words alone; by default `/bin/sh -c CMD`."""
    if 'argv' in header:
        return list(header['argv']), None
    cmd = header.get('cmd')
    shell = header.get('shell') or {}
    if shell.get('split'):
        import shlex
        return shlex.split(cmd), None
    if shell.get('login'):
        path = _login_shell()
        return [os.path.basename(path), '-c', cmd], path
    path = shell.get('path') or '/bin/sh'
    return [path, '-c', cmd], None


def run_command(header, stdin_bytes):
    argv, executable = command_argv(header)
    cmd = header.get('argv') or header.get('cmd')
    env = None
    fresh = _login_env_changes()
    if header.get('env') or fresh:
        env = dict(os.environ)
        PamLoginEnv.apply(fresh, env)
        env.update(header.get('env') or {})
    if header.get('pty'):
        return _run_on_pty(argv, executable, stdin_bytes, header.get('cwd') or None, env)
    try:
        p = subprocess.Popen(argv, executable=executable,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=header.get('cwd') or None, env=env, close_fds=True)
        # No preexec_fn: subprocess restores SIGPIPE itself (restore_signals), and without one it can use vfork.
    except OSError as e:
        return Outcome(127, b'', ('%s: %s\n' % (cmd, e.strerror)).encode('utf-8', 'replace'))
    out, err = p.communicate(stdin_bytes or b'')
    return Outcome(p.returncode, out, err)


def run_pre(commands):
    """Shell commands the controller deferred (they only have side effects; it already told Ansible their
    predicted result), run in order before the call that carries them."""
    for cmd in commands:
        o = run_command({'cmd': cmd}, None)
        if o.rc != 0:
            raise RemoteError('failed', 'the deferred command %r failed (rc %d): %s'
                              % (cmd, o.rc, (o.stderr or o.stdout).decode('utf-8', 'replace').strip()))


def _identity():
    """HOME and the user this context runs as, so the controller can answer `echo ~` without asking."""
    out = {'home': os.environ.get('HOME')}
    try:
        import pwd
        entry = pwd.getpwuid(os.getuid())
        out['user'] = entry.pw_name
        out['user_home'] = entry.pw_dir
    except (ImportError, KeyError):
        pass
    return out


class _LoginSession(object):
    """The sshd that accepted this interpreter's login, so a pooled interpreter can tell that sshd was restarted.

    sshd sessions outlive a restart of the listening sshd, but a new login then gets what the new sshd gives (its
    mount namespace: a fresh private /tmp, its environment): stock would run the next task there. Recorded at start:
    the topmost sshd in this process's ancestry (pid and start time). If that process is gone or no longer our
    ancestor (the session's processes were re-parented), this interpreter is stale (docs/architecture.md "Pooled
    interpreters"). Not under sshd (local, containers): never stale."""

    NAMES = ('sshd', 'sshd-session')

    def __init__(self):
        self.listener = self._top_sshd()

    @staticmethod
    def _stat(pid):
        try:
            with open('/proc/%d/stat' % pid, 'rb') as f:
                data = f.read()
        except (IOError, OSError):
            return None
        # comm is in parentheses and may hold spaces: the fields after the last ')' are fixed
        comm = data[data.find(b'(') + 1:data.rfind(b')')].decode('utf-8', 'replace')
        rest = data[data.rfind(b')') + 2:].split()
        return comm, int(rest[1]), rest[19]  # comm, ppid, starttime

    def _top_sshd(self):
        """(pid, start time) of the topmost of the sshd processes above us (past the login shell: dash forks
        for `-c`, bash execs), or None."""
        pid, top = os.getppid(), None
        for _ in range(16):
            st = self._stat(pid) if pid > 1 else None
            if st is None:
                break
            if st[0] in self.NAMES:
                top = (pid, st[2])
            elif top is not None:
                break
            pid = st[1]
        return top

    def stale(self):
        if self.listener is None:
            return None
        now = self._top_sshd()
        if now == self.listener:
            return None
        return 'the sshd that accepted this login (pid %d) was stopped or restarted' % self.listener[0]


LOGIN_SESSION = _LoginSession()


def _restore_signals():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


class _DebugSignalInThreads(object):
    """Lets a module in a worker thread ask for ansible-core 2.22's SIGUSR1 stack-dump handler.

    2.22's `AnsibleModule.__init__` calls `_debug.register_for_stacktrace()`, i.e. `signal.signal(SIGUSR1, ...)`,
    and Python allows that only in the main thread: every module run in this interpreter's worker threads failed
    with "signal only works in main thread". That handler is a debugging aid (`kill -USR1` writes the module's
    stacks to a file) that no module's result depends on, so from a worker thread a SIGUSR1 request is skipped
    (the current handler is returned, as if set); any other signal, and any call in the main thread or in a
    forked module process (whose thread is its main thread), goes to `signal.signal` unchanged.
    """

    @staticmethod
    def install():
        stock = signal.signal
        if getattr(stock, '_ansible_mitogen', False):
            return

        def signal_from_any_thread(signum, handler):
            if signum == signal.SIGUSR1 and threading.current_thread() is not threading.main_thread():
                return signal.getsignal(signum)
            return stock(signum, handler)

        signal_from_any_thread._ansible_mitogen = True
        signal.signal = signal_from_any_thread


def _run_on_pty(argv, executable, stdin_bytes, cwd, env):
    """A command on a terminal, as `ssh -tt` gives one: stdout and stderr merged, newlines as CR LF."""
    import pty
    master, slave = pty.openpty()

    def child_setup():
        _restore_signals()
        os.setsid()
        import fcntl
        import termios
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    try:
        p = subprocess.Popen(argv, executable=executable, stdin=slave,
                             stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True,
                             preexec_fn=child_setup)
    except OSError as e:
        os.close(master)
        os.close(slave)
        return Outcome(127, b'', ('%s: %s\n' % (argv[0] if argv else '', e.strerror)).encode('utf-8', 'replace'))
    os.close(slave)
    if stdin_bytes:
        os.write(master, stdin_bytes)
    out = []
    while True:
        try:
            b = os.read(master, 65536)
        except OSError as e:
            if e.errno == errno.EINTR:
                continue
            break  # EIO: every holder of the terminal has gone
        if not b:
            break
        out.append(b)
    os.close(master)
    return Outcome(p.wait(), b''.join(out), b'')


# ---------------------------------------------------------------------------------------------------------
# Files.

def receive_file(header, chunks):
    """Write DATA chunks to a temp file beside the destination, then rename it into place.

    With `digests` (names of hashlib algorithms), the chunks are hashed as they are written and the results kept
    in RECEIVED_FILES for AnsibleModule.digest_from_file."""
    path = header['path']
    directory = os.path.dirname(path) or '.'
    hashes = _new_hashes(header.get('digests'))
    fd, tmp = tempfile.mkstemp(prefix='.ansible_mitogen_', dir=directory)
    ok = False
    try:
        for chunk in chunks:
            for h in hashes.values():
                h.update(chunk)
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
        mode = header.get('mode')
        if mode is not None:
            os.fchmod(fd, int(mode, 8) if isinstance(mode, str) else mode)
        else:
            # as open(2) would create it: stock's sftp asks for the local file's mode, the umask narrows it
            os.fchmod(fd, int(header.get('create_mode') or '666', 8) & ~_umask())
        os.close(fd)
        fd = -1
        os.rename(tmp, path)
        ok = True
    finally:
        if fd >= 0:
            os.close(fd)
        if not ok:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    st = os.stat(path)
    if hashes:
        RECEIVED_FILES.add(os.path.realpath(path), _file_identity(st),
                           dict((n, h.hexdigest()) for n, h in hashes.items()))
    return {'size': st.st_size}


def _new_hashes(names):
    hashes = {}
    for name in names or ():
        try:
            hashes[str(name)] = hashlib.new(str(name))
        except ValueError:
            pass  # not in this Python (md5 under FIPS): the module computes it, or fails, as under stock
    return hashes


def _file_identity(st):
    return [st.st_dev, st.st_ino, st.st_size, getattr(st, 'st_mtime_ns', st.st_mtime)]


class _ReceivedFiles(object):
    """Digests of files this interpreter wrote from put_file, computed from the bytes as they were written.

    Ansible's copy and template actions send the file, then run a module that reads it all back to hash it
    (sha1, and md5 for the result's md5sum): for a 200 MiB file that was ~0.5 s after the transfer, on a target
    that had just seen every byte. AnsibleModule.digest_from_file answers from here when the path is one of
    these files and still the same file: same device, inode, size and modification time, and readable by this
    process (otherwise stock's own reading runs, with its errors). A become user's interpreter is a child process:
    the parent passes the entries a routed call names down to it first (`known_files`)."""

    MAX = 16

    def __init__(self):
        self.lock = threading.Lock()
        self.files = collections.OrderedDict()  # oldest first

    def add(self, path, identity, digests):
        with self.lock:
            self.files.pop(path, None)
            # the forms named_in looks for, worked out once rather than on every routed call
            self.files[path] = (list(identity), dict(digests), _path_forms(path))
            while len(self.files) > self.MAX:
                self.files.popitem(last=False)

    def learn(self, files):
        for path, entry in (files or {}).items():
            try:
                self.add(path, entry[0], entry[1])
            except (TypeError, IndexError, KeyError):
                pass

    def digest(self, filename, algorithm):
        """The kept digest of filename, or None when it is not known to be the same file."""
        if not self.files or not isinstance(algorithm, str):
            return None
        try:
            path = os.path.realpath(filename)
            if isinstance(path, bytes):
                path = path.decode(sys.getfilesystemencoding(), 'surrogateescape')
            with self.lock:
                entry = self.files.get(path)
            if entry is None or algorithm not in entry[1]:
                return None
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode) or _file_identity(st) != entry[0] or not os.access(path, os.R_OK):
                return None
            return entry[1][algorithm]
        except (OSError, ValueError, UnicodeError):
            return None

    def named_in(self, raw):
        """The entries whose path occurs in a frame's bytes (the call that will use them)."""
        with self.lock:
            items = list(self.files.items())
        found = {}
        for path, entry in items:
            if any(form in raw for form in entry[2]):
                found[path] = [entry[0], entry[1]]
        return found

    @staticmethod
    def install(basic):
        """Wraps AnsibleModule.digest_from_file of an imported ansible.module_utils.basic (once)."""
        cls = getattr(basic, 'AnsibleModule', None)
        original = getattr(cls, 'digest_from_file', None)
        if original is None or getattr(original, '_ansible_mitogen', False):
            return

        def digest_from_file(self, filename, algorithm):
            known = RECEIVED_FILES.digest(filename, algorithm)
            return known if known is not None else original(self, filename, algorithm)

        digest_from_file._ansible_mitogen = True
        cls.digest_from_file = digest_from_file


def _path_forms(path):
    """How a path can appear in a call's bytes: as UTF-8, and as a JSON string's body once or twice escaped.

    Ansible writes module arguments with json.dumps (non-ASCII as \\uXXXX, quotes and backslashes escaped), and
    the engine may carry that text inside its own JSON header, which escapes the backslashes again."""
    forms = []
    try:
        forms.append(path.encode('utf-8'))
    except UnicodeError:
        pass
    once = json.dumps(path)[1:-1]
    twice = json.dumps(once)[1:-1]
    for form in (once, twice):
        b = form.encode('ascii')
        if b not in forms:
            forms.append(b)
    return forms


RECEIVED_FILES = _ReceivedFiles()


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------------------------------------------
# Child contexts (become users now; containers and next hops can follow): a child gets pipes for the frame
# stream and a pty as stderr and controlling terminal, because su, sudo's requiretty and doas want a terminal
# for their prompt while the pipes carry bulk data without a tty's tiny buffers. This context pipes its own
# compressed core (C) to the child, so a become user costs no byte from the engine beyond the spawn call.

# The child's stage 1 prints this on stdout before it reads the core (the engine builds that stage 1), so the
# parent knows that sudo/su have finished talking and the stream is the Python's own.
BOOT_MARKER = b'AMITO-BOOT-1\n'

# "password" in the languages sudo, su and Linux-PAM are translated to, for prompts this agent did not choose
# (a PAM module overriding sudo -p, su on a localised system, doas). A prompt is the text after the last line
# break that names one of these and ends with a colon.
PASSWORD_WORDS = (
    u'password', u'passwort', u'mot de passe', u'contrase\u00f1a', u'contrasenya', u'senha', u'wachtwoord',
    u'l\u00f6senord', u'adgangskode', u'passord', u'salasana', u'has\u0142o', u'heslo', u'jelsz\u00f3',
    u'parool', u'parola', u'parole', u'lozinka', u'slapta\u017eodis', u'pasahitza', u'focal faire',
    u'sandi', u'm\u1eadt kh\u1ea9u', u'\u043f\u0430\u0440\u043e\u043b\u044c', u'\u043f\u0430\u0440\u043e\u043b\u0430',
    u'\u043b\u043e\u0437\u0438\u043d\u043a\u0430', u'\u03ba\u03c9\u03b4\u03b9\u03ba\u03cc\u03c2',
    u'\u05e1\u05d9\u05e1\u05de\u05d4', u'\u0643\u0644\u0645\u0629 \u0627\u0644\u0633\u0631',
    u'\u30d1\u30b9\u30ef\u30fc\u30c9', u'\u5bc6\u7801', u'\u5bc6\u78bc', u'\uc554\ud638', u'\ube44\ubc00\ubc88\ud638',
)
PROMPT_TAIL_RE = re.compile(u'(?:%s)[^\\n]{0,60}[:\uff1a]\\s*$' % u'|'.join(re.escape(w) for w in PASSWORD_WORDS),
                            re.I | re.U)
# What sudo, su and doas say when the password was wrong (sudo asking again counts too), in English and in the
# commonest Linux-PAM translations of "Authentication failure".
INCORRECT_PASSWORD = ('sorry, try again', 'incorrect password', 'authentication failure', 'su: sorry',
                      'authentication is denied', 'authentication failed', 'permission denied',
                      u'\u00e9chec de l\u2019authentification', u"\u00e9chec de l'authentification",
                      'authentifizierungsfehler', u'error de autenticaci\u00f3n', 'autenticazione non riuscita',
                      'falha de autentica', 'authenticatiefout', u'b\u0142\u0105d uwierzytelniania',
                      u'\u043e\u0448\u0438\u0431\u043a\u0430 \u0430\u0443\u0442\u0435\u043d\u0442\u0438\u0444\u0438\u043a\u0430\u0446\u0438\u0438')
PASSWORD_REQUIRED = ('password is required', 'a terminal is required', 'no tty present',
                     'authorization required', 'authentication required')


class Child(object):
    """A child interpreter started through a become program; frames for its subtree go down its stdin."""

    def __init__(self, agent, context_id, name, tty=True):
        self.agent, self.id, self.name = agent, context_id, name
        self.pam_service = None  # the PAM service whose environment files the child reads per task (PamLoginEnv)
        # Without a terminal (container runtimes: nothing prompts), stderr is a plain pipe read the same way.
        self.use_tty = tty
        self.proc = None
        self.tty = -1
        self.stream = None
        self.hello = threading.Event()
        self.dead = False
        self.inflight = {}  # (src, req) of calls routed into this subtree: answered with an error if it dies
        self.lock = threading.Lock()
        self.said = u''     # what the child wrote on its terminal before it started (for error messages)
        self.pumping = False  # once true, the pump thread owns (and finally closes) the child's stdout
        self.decoder = codecs.getincrementaldecoder('utf-8')('replace')  # a prompt may straddle two reads

    def start(self, argv):
        """Starts argv with our stdin/stdout pipes; its stderr goes to self.tty: a private terminal for become (the
        password prompt appears there), a plain pipe for a container runtime."""
        if self.use_tty:
            ours, theirs = os.openpty()
            extra = dict(preexec_fn=_become_session_leader)
        else:
            ours, theirs = os.pipe()
            extra = dict(start_new_session=True)
        try:
            if self.use_tty:
                # No echo: whatever is typed at a prompt never comes back into our buffers or logs.
                attrs = termios.tcgetattr(theirs)
                attrs[3] &= ~(termios.ECHO | termios.ECHONL)
                termios.tcsetattr(theirs, termios.TCSANOW, attrs)
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=theirs,
                                         close_fds=True, bufsize=0, **extra)
        except BaseException:
            os.close(ours)
            raise
        finally:
            os.close(theirs)
        self.tty = ours
        self.stream = Stream(self.proc.stdout.fileno(), self.proc.stdin.fileno())

    def handshake(self, password, password_via, prompts, deadline):
        """Answers the password prompt until the child's stage 1 prints BOOT_MARKER; raises RemoteError."""
        out_fd = self.proc.stdout.fileno()
        out_buf = b''
        pending = u''        # terminal text since the last prompt we answered
        sent = False
        tty_open = True
        while True:
            remaining = deadline - time.time()
            if remaining <= 0:
                raise RemoteError('become_timeout', self._scrub(
                    'no start-up within the time limit; the terminal showed: %r' % (self.said[-300:],), password))
            fds = [out_fd] + ([self.tty] if tty_open else [])
            ready = select.select(fds, [], [], min(remaining, 1.0))[0]
            if self.tty in ready:
                text = self._read_tty()
                if text is None:
                    tty_open = False
                else:
                    self.said = (self.said + text)[-4096:]
                    pending = (pending + text)[-4096:]
                    low = pending.lower()
                    if sent and any(s in low for s in INCORRECT_PASSWORD):
                        raise RemoteError('become_wrong_password', self._scrub(self.said[-300:], password))
                    if self.use_tty and _is_prompt(pending, prompts):
                        if sent:
                            raise RemoteError('become_wrong_password', self._scrub(self.said[-300:], password))
                        if password is None:
                            raise RemoteError('become_password_required', self.said[-300:])
                        secret = (password + '\n').encode('utf-8')
                        if password_via == 'tty':
                            os.write(self.tty, secret)
                        else:
                            self.stream.write_raw(secret)
                        sent = True
                        pending = u''
            if out_fd in ready:
                b = os.read(out_fd, 4096)
                if not b:
                    self._collect_last_words(deadline)
                    low = self.said.lower()
                    if sent and any(s in low for s in INCORRECT_PASSWORD):
                        raise RemoteError('become_wrong_password', self._scrub(self.said[-300:], password))
                    if self.use_tty and any(s in low for s in PASSWORD_REQUIRED):
                        raise RemoteError('become_password_required', self._scrub(self.said[-300:], password))
                    raise self._exited_early(password)
                out_buf += b
                if BOOT_MARKER in out_buf:
                    return
                out_buf = out_buf[-len(BOOT_MARKER):]  # a login shell may print a lot before stage 1 runs

    def _read_tty(self):
        try:
            b = os.read(self.tty, 4096)
        except OSError:
            return None  # EIO: every holder of the terminal is gone.
        return self.decoder.decode(b) if b else None

    def _collect_last_words(self, deadline):
        end = min(deadline, time.time() + 1.0)
        while time.time() < end and select.select([self.tty], [], [], max(0, end - time.time()))[0]:
            text = self._read_tty()
            if text is None:
                return
            self.said = (self.said + text)[-4096:]

    def _exited_early(self, password):
        """The become program ended before Python started (no such user, an option it rejects, not in sudoers).
        Stock Ansible sees that as the task's command failing: its exit status and its words on stderr become the
        task's rc and module_stderr. So the error carries both, verbatim (the terminal's CR LF undone), besides our
        sentence."""
        try:
            rc = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            rc = None
        said = self._scrub(self.said, password)
        err = RemoteError('become_failed', 'exited before Python started: %s' % (said.strip()[-500:] or 'no message'))
        err.extra = {'exit_status': rc, 'said': said.replace(u'\r\n', u'\n')}
        return err

    @staticmethod
    def _scrub(text, password):
        if password:
            text = text.replace(password, '********')
        return text

    def boot(self):
        """Sends the core and the init frame, then pumps the child's frames upwards from a thread."""
        init_header = {'op': 'init', 'context': self.id}
        if self.pam_service:
            init_header['pam_service'] = self.pam_service
        if DEBUG is not None:
            init_header['debug'] = True
        init = encode_frame(self.id, 0, 0, CALL, init_header)
        self.stream.write_raw(CORE_BYTES + init)
        self.pumping = True
        for target in (self.pump, self.drain_tty):
            t = threading.Thread(target=target)
            t.daemon = True
            t.start()

    def pump(self):
        try:
            while True:
                raw = self.stream.read_raw()
                if raw is None:
                    break
                self.agent.from_child(self, raw)
        except Exception as e:
            self.agent.log('WARNING', 'router', 'context %d (%s): %s' % (self.id, self.name, e))
        finally:
            self.agent.child_gone(self)

    def drain_tty(self):
        # The terminal stays open for the child's life (closing it would hang up sudo); what comes later
        # (sudo's warnings, a dying child's last words) goes to the log.
        while True:
            text = self._read_tty()
            if text is None:
                break
            for line in text.splitlines():
                if line.strip():
                    self.agent.log('INFO', '%s.%s' % ('become' if self.use_tty else 'child', self.name), line)

    def write_raw(self, data):
        self.stream.write_raw(data)

    def track(self, raw):
        """Remembers a call routed into this subtree so that its caller hears about the child's death."""
        kind = struct.unpack_from('>B', raw, 16)[0]
        if kind == CALL:
            src, req = struct.unpack_from('>II', raw, 8)
            if req == 0:
                return  # one-way (add_zip): nobody waits for an answer
            with self.lock:
                self.inflight[(src, req)] = True

    def untrack(self, raw):
        kind = struct.unpack_from('>B', raw, 16)[0]
        if kind in (REPLY, ERROR):
            dst = struct.unpack_from('>I', raw, 4)[0]
            req = struct.unpack_from('>I', raw, 12)[0]
            with self.lock:
                self.inflight.pop((dst, req), None)

    def orphans(self):
        with self.lock:
            calls, self.inflight = list(self.inflight), {}
        return calls

    def close(self):
        """Ends the child: EOF on its stdin ends its message loop; the hang-up on its terminal ends sudo/su."""
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except (IOError, OSError):
                pass
        if self.tty >= 0:
            try:
                os.close(self.tty)
            except OSError:
                pass
            self.tty = -1
        if self.proc is not None:
            try:
                self.proc.kill()
            except OSError:
                pass  # A setuid sudo may not be ours to signal; the hang-up reached it.
            t = threading.Thread(target=self.proc.wait)
            t.daemon = True
            t.start()


def _become_session_leader():
    # A session of its own with the pty (already on fd 2) as controlling terminal: /dev/tty works for prompts.
    os.setsid()
    fcntl.ioctl(2, termios.TIOCSCTTY, 0)
    _restore_signals()


def _is_prompt(text, prompts):
    for p in prompts:
        if p and p in text:
            return True
    tail = text.replace(u'\r', u'\n').rsplit(u'\n', 1)[-1]
    return bool(tail.strip()) and PROMPT_TAIL_RE.search(tail) is not None


# ---------------------------------------------------------------------------------------------------------
# The agent: message loop and dispatch.

class RemoteError(Exception):
    def __init__(self, kind, msg):
        Exception.__init__(self, msg)
        self.kind = kind
        self.extra = None  # more fields for the ERROR frame's header (see Child._exited_early)


class _CallThreads(object):
    """The threads that run calls, one call each at a time; never a limit on how many run at once (a call may wait
    for data frames or for another call). A thread that finished its call waits for the next instead of ending:
    starting a thread per call cost the reader ~0.13 ms and delayed the call ~0.07 ms more (measured here)."""

    MAX_IDLE = 8

    def __init__(self, run):
        self.run = run
        self.lock = threading.Lock()
        self.idle = []   # [handoff lock (held while idle), call] of each waiting thread

    def submit(self, call):
        with self.lock:
            slot = self.idle.pop() if self.idle else None
        if slot is None:
            t = threading.Thread(target=self._loop, args=(call,))
            t.daemon = True
            t.start()
        else:
            slot[1] = call
            slot[0].release()

    def _loop(self, call):
        slot = [threading.Lock(), None]
        slot[0].acquire()
        while True:
            try:
                self.run(call)
            except BaseException:
                pass  # dispatch answers its own errors; a thread must survive whatever a call did
            with self.lock:
                if len(self.idle) >= self.MAX_IDLE:
                    return
                self.idle.append(slot)
            slot[0].acquire()
            call, slot[1] = slot[1], None


class Agent(object):
    def __init__(self, stream, context_id):
        self.stream = stream
        self.id = context_id
        self.channel_closed = False
        self.stray = None            # _StrayOutput, once main() has moved the channel off fds 1 and 2
        self.no_log_runs = 0         # no_log modules running here: log records are counted, not sent
        self.hidden_logs = 0
        self.no_log_lock = threading.Lock()
        self.callers = _CallThreads(self.dispatch)
        self.store = ZipStore()
        self.importer = RamImporter(self.store)
        sys.meta_path.insert(0, self.importer)
        self.modules = ModuleRunner(self.store, self.importer)
        self.forks = ForkServer(self)  # started by main(), once the channel is off fds 0-2
        self.inbound = {}            # req -> list used as a queue of DATA frames
        self.inbound_cv = threading.Condition()
        self.children = {}           # context id -> Child
        self.routes = {}             # descendant context id -> child context id
        self.children_lock = threading.Lock()
        self.tracked = {}            # req -> [Event set once the call settled, error text or None]
        self.tracked_lock = threading.Lock()
        self.handlers = {
            'ping': self.on_ping,
            'run_module': self.on_run_module,
            'exec': self.on_exec,
            'put_file': self.on_put_file,
            'fetch_file': self.on_fetch_file,
            'spawn': self.on_spawn,
        }

    # -- sending
    def send(self, dst, req, kind, header, body=b'', lazy=False):
        raw = encode_frame(dst, self.id, req, kind, header, body)
        if DEBUG is not None:
            DEBUG.frame('send', raw)
        self.stream.write_raw(raw, lazy)

    def log(self, level, name, msg):
        if self.no_log_runs:
            # While a no_log module runs, what anything here logs or prints may hold the values no_log protects
            # (stock Ansible drops a successful module's stderr): neither sent nor written to a debug file.
            with self.no_log_lock:
                self.hidden_logs += 1
            return
        if DEBUG is not None:
            DEBUG.line('%s %s: %s' % (level, name, msg))
        if self.channel_closed:
            return  # A forked task: the channel's fd numbers may belong to the task's own files by now.
        try:
            self.send(0, 0, LOG, {'level': level, 'name': name, 'msg': msg})
        except Exception:
            pass

    def close_channel_in_child(self):
        self.channel_closed = True
        for fd in (self.stream.rfd, self.stream.wfd):
            try:
                os.close(fd)
            except OSError:
                pass

    # -- receiving
    def serve(self):
        hello = {'protocol': PROTOCOL, 'python': '%d.%d.%d' % sys.version_info[:3],
                 'pid': os.getpid(), 'context': self.id, 'executable': sys.executable}
        hello.update(_identity())
        self.send(0, 0, HELLO, hello)
        while True:
            raw = self.stream.read_raw()
            if raw is None:
                break
            dst = peek_dst(raw)
            if dst != self.id:
                self.route_down(dst, raw)
                continue
            if not self.handle_local(raw):
                break
        self.shutdown_children()

    def handle_local(self, raw):
        """Handles a frame addressed to this context; False once it was asked to shut down."""
        if DEBUG is not None:
            DEBUG.frame('recv', raw)
        frame = decode_frame(raw)
        if frame.kind == CALL:
            op = frame.header.get('op')
            if op == 'shutdown':
                self.reply(frame, {})
                return False
            if op == 'known_files':
                RECEIVED_FILES.learn(frame.header.get('files'))
                return True
            if op in ('give_zip', 'add_zip'):
                # Handled here, in the reader loop, so the ZIP is in place before the next frame (the run_module
                # that needs it) is dispatched or routed.
                self.zip_op(frame)
                return True
            if frame.header.get('track'):
                # Registered before the call's thread starts, so that a later call naming it in `after` (read
                # after this frame on the same stream) always finds it.
                with self.tracked_lock:
                    self.tracked[frame.req] = [threading.Event(), None]
                    while len(self.tracked) > 1000:
                        self.tracked.pop(min(self.tracked))
            self.callers.submit(frame)
        elif frame.kind == DATA:
            with self.inbound_cv:
                self.inbound.setdefault(frame.req, []).append(frame)
                self.inbound_cv.notify_all()
        return True

    def route_down(self, dst, raw):
        with self.children_lock:
            via = self.routes.get(dst)
            child = self.children.get(via) if via is not None else None
        if child is None:
            frame = decode_frame(raw)
            if frame.kind == CALL:
                self.send(frame.src, frame.req, ERROR, {'type': 'unreachable',
                                                        'msg': 'context %d is gone' % dst})
            return
        if DEBUG is not None:
            DEBUG.frame('down %d' % child.id, raw)
        if RECEIVED_FILES.files and struct.unpack_from('>B', raw, 16)[0] == CALL:
            known = RECEIVED_FILES.named_in(raw)
            if known:
                # One-way and ahead of the call on the same pipe, so the child knows them when the module asks.
                try:
                    child.write_raw(encode_frame(dst, self.id, 0, CALL, {'op': 'known_files', 'files': known}))
                except (IOError, OSError):
                    pass
        child.track(raw)
        try:
            child.write_raw(raw)
        except (IOError, OSError):
            pass  # The child is dying; its pump answers the call when it notices.

    def from_child(self, child, raw):
        """A frame from a child's subtree: learn the route to its sender, then pass it on unchanged."""
        src = struct.unpack_from('>I', raw, 8)[0]
        kind = struct.unpack_from('>B', raw, 16)[0]
        with self.children_lock:
            self.routes[src] = child.id
        child.untrack(raw)
        dst = peek_dst(raw)
        if DEBUG is not None and dst != self.id:
            DEBUG.frame('up from %d' % child.id, raw)
        if dst == self.id:
            self.handle_local(raw)
        elif dst in self.routes and self.routes[dst] != child.id:
            self.route_down(dst, raw)
        else:
            self.stream.write_raw(raw)
        if kind == HELLO and src == child.id:
            child.hello.set()

    def child_gone(self, child):
        child.dead = True
        gone = [child.id]
        with self.children_lock:
            if self.children.get(child.id) is child:
                del self.children[child.id]
            for ctx, via in list(self.routes.items()):
                if via == child.id:
                    del self.routes[ctx]
                    if ctx != child.id:
                        gone.append(ctx)
        if child.pumping:
            # The engine forgets these contexts now (their module cache, their slot) instead of at the next call.
            try:
                self.send(0, 0, GONE, {'ids': gone})
            except Exception:
                pass
        for src, req in child.orphans():
            self.send(src, req, ERROR, {'type': 'unreachable',
                                        'msg': 'context %d (%s) exited' % (child.id, child.name)})
        child.close()
        for f in (child.proc.stdout,):
            try:
                f.close()
            except (IOError, OSError):
                pass
        child.hello.set()
        self.log('INFO', 'router', 'context %d (%s) ended' % (child.id, child.name))

    def dispatch(self, frame):
        handler = self.handlers.get(frame.header.get('op'))
        error = None
        try:
            if handler is None:
                raise RemoteError('bad_request', 'unknown operation %r' % (frame.header.get('op'),))
            try:
                self.await_after(frame.header.get('after') or ())
                run_pre(frame.header.get('pre') or ())
            except RemoteError:
                if frame.header.get('op') == 'put_file':
                    for _ in self.data_frames(frame.req):
                        pass
                raise
            result = handler(frame)
            if result is not None:
                header, body = result
                self.reply(frame, header, body)
        except RemoteError as e:
            error = str(e)
            self.drain_stray()
            header = dict(e.extra or {})
            header.update(type=e.kind, msg=str(e))
            self.send(frame.src, frame.req, ERROR, header)
        except Exception as e:
            error = '%s: %s' % (type(e).__name__, e)
            self.drain_stray()
            self.send(frame.src, frame.req, ERROR,
                      {'type': 'failed', 'msg': error, 'traceback': traceback.format_exc()})
        finally:
            self.settle(frame.req, error)

    def settle(self, req, error):
        """Marks a tracked call done, after its reply went out, for the calls that wait on it."""
        with self.tracked_lock:
            entry = self.tracked.get(req)
        if entry is not None:
            entry[1] = error
            entry[0].set()

    def await_after(self, reqs):
        """Waits for earlier tracked calls (a file sent without waiting for its reply); fails if one failed."""
        for req in reqs:
            with self.tracked_lock:
                entry = self.tracked.get(req)
            if entry is None:
                continue  # settled and forgotten long ago: it succeeded or its caller learnt otherwise
            entry[0].wait()
            with self.tracked_lock:
                self.tracked.pop(req, None)
            if entry[1] is not None:
                raise RemoteError('failed', 'an earlier call (request %d) this one depends on failed: %s'
                                  % (req, entry[1]))

    def drain_stray(self):
        if self.stray is not None and not self.channel_closed:
            self.stray.drain()

    def reply(self, frame, header, body=b''):
        self.drain_stray()
        self.send(frame.src, frame.req, REPLY, header, body, bool(frame.header.get('lazy')))

    def data_frames(self, req):
        """Yields DATA bodies for a request until the one marked eof."""
        while True:
            with self.inbound_cv:
                while not self.inbound.get(req):
                    self.inbound_cv.wait()
                frame = self.inbound[req].pop(0)
            if frame.body:
                yield frame.body
            if frame.header.get('eof'):
                with self.inbound_cv:
                    self.inbound.pop(req, None)
                return

    def zip_op(self, frame):
        """add_zip: keep the body under zip_digest. give_zip: keep the body if there is one, then pass the ZIP
        on to descendant `to` as an add_zip frame. One-way: a failure shows later as the child's need_zip."""
        h = frame.header
        digest = h.get('zip_digest')
        try:
            if frame.body:
                self.store.add(digest, frame.body)
            if frame.header.get('op') == 'give_zip':
                data = self.store.data(digest)
                if data is None:
                    raise RemoteError('need_zip', 'context %d does not hold ZIP %s' % (self.id, digest))
                dst = int(h['to'])
                self.route_down(dst, encode_frame(dst, self.id, 0, CALL, {'op': 'add_zip', 'zip_digest': digest},
                                                  data))
        except Exception as e:
            self.log('WARNING', 'router', '%s of ZIP %s failed: %s' % (h.get('op'), digest, e))

    # -- operations
    def on_ping(self, frame):
        stale = LOGIN_SESSION.stale()
        return ({'stale': stale} if stale else {}), b''

    def on_run_module(self, frame):
        h = frame.header
        if h.get('has_zip'):
            self.store.add(h['zip_digest'], frame.body)
        elif not self.store.has(h['zip_digest']):
            raise RemoteError('need_zip', h['zip_digest'])
        params = h.get('params') or ''
        if isinstance(params, bytes):
            params = params.decode('utf-8', 'replace')
        no_log = _NO_LOG_PARAM.search(params) is not None
        if no_log:
            with self.no_log_lock:
                self.no_log_runs += 1
        try:
            o = self.modules.run(h)
        finally:
            if no_log:
                self.drain_stray()  # what the module wrote to fds 1 and 2 is counted as hidden too
                hidden = 0
                with self.no_log_lock:
                    self.no_log_runs -= 1
                    if not self.no_log_runs:
                        hidden, self.hidden_logs = self.hidden_logs, 0
                if hidden:
                    self.log('INFO', 'engine', '%d log record(s) of a no_log task hidden' % hidden)
        return {'rc': o.rc, 'stdout_len': len(o.stdout)}, o.stdout + o.stderr

    def on_exec(self, frame):
        o = run_command(frame.header, frame.body if frame.header.get('has_stdin') else None)
        return {'rc': o.rc, 'stdout_len': len(o.stdout)}, o.stdout + o.stderr

    def on_put_file(self, frame):
        try:
            return receive_file(frame.header, self.data_frames(frame.req)), b''
        except (IOError, OSError) as e:
            # Consume the rest of the stream so the request's frames do not linger.
            for _ in self.data_frames(frame.req):
                pass
            raise RemoteError('failed', 'could not write %s: %s' % (frame.header['path'], e.strerror or e))

    def on_fetch_file(self, frame):
        path = frame.header['path']
        try:
            f = open(path, 'rb')
        except (IOError, OSError) as e:
            raise RemoteError('failed', 'could not read %s: %s' % (path, e.strerror or e))
        size = 0
        with f:
            st = os.fstat(f.fileno())
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                self.send(frame.src, frame.req, DATA, {'eof': False}, chunk)
        self.send(frame.src, frame.req, DATA, {'eof': True})
        return {'size': size, 'mode': '%o' % (st.st_mode & 0o7777)}, b''

    def on_spawn(self, frame):
        """Starts a child context with header `argv` (built by the engine: become program, flags, python -c
        stage 1) and answers its password prompt; replies once the child sent HELLO (forwarded up as well)."""
        h = frame.header
        cid = int(h['id'])
        argv = h.get('argv')
        if not isinstance(argv, list) or not argv:
            raise RemoteError('bad_request', 'spawn needs argv')
        if CORE_BYTES is None:
            raise RemoteError('failed', 'this context was not started by stage 1 and cannot start children')
        with self.children_lock:
            if cid == self.id or cid in self.routes:
                raise RemoteError('bad_request', 'context id %d is in use' % cid)
        name = h.get('name') or '%s:%s' % (h.get('method'), h.get('user'))
        deadline = time.time() + float(h.get('timeout') or 30)
        password = h.get('password')
        child = Child(self, cid, name, tty=h.get('tty', True))
        child.pam_service = h.get('pam_service')
        try:
            child.start([str(a) for a in argv])
        except OSError as e:
            raise RemoteError('become_failed', 'cannot run %s: %s' % (argv[0], e.strerror or e))
        try:
            child.handshake(password, h.get('password_via') or 'stdin', h.get('prompts') or [], deadline)
            with self.children_lock:
                self.children[cid] = child
                self.routes[cid] = cid
            child.boot()
            if not child.hello.wait(max(0.1, deadline - time.time())):
                raise RemoteError('become_timeout', 'Python started but did not finish its start-up in time')
            if child.dead:
                raise RemoteError('become_failed', Child._scrub(
                    'exited during start-up: %s' % (child.said.strip()[-500:] or 'no message'), password))
        except BaseException:
            with self.children_lock:
                if self.children.get(cid) is child:
                    del self.children[cid]
                    self.routes.pop(cid, None)
            child.close()
            if not child.pumping:
                child.proc.stdout.close()
            raise
        return {'pid': child.proc.pid}, b''

    def shutdown_children(self):
        with self.children_lock:
            children = list(self.children.values())
        for child in children:
            child.close()


AGENT = None
DEBUG = None


class DebugLog(object):
    """MITOGEN_ROUTER_DEBUG: this context's frames and log records in a file of its own,
    TMPDIR/ansible-mitogen-debug-UID/PID.log (directory 0700, file 0600, created exclusively).

    A frame is written as its kind, addresses, sizes and a few header fields known to hold no secret: never a
    password, module parameters, a command line or a body."""
    SAFE = ('op', 'fqn', 'id', 'method', 'user', 'name', 'isolation', 'has_zip', 'zip_sha1', 'zip_digest', 'to',
            'ids', 'tty', 'runner', 'rc', 'stdout_len', 'type', 'eof', 'size', 'pid', 'context', 'protocol',
            'python', 'level', 'has_stdin', 'pty', 'timeout', 'password_via')
    KINDS = {CALL: 'CALL', REPLY: 'REPLY', ERROR: 'ERROR', LOG: 'LOG', DATA: 'DATA', HELLO: 'HELLO', GONE: 'GONE'}

    def __init__(self, context_id):
        d = os.path.join(tempfile.gettempdir(), 'ansible-mitogen-debug-%d' % os.getuid())
        try:
            os.mkdir(d, 0o700)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
        st = os.lstat(d)
        if not (st.st_uid == os.getuid() and (st.st_mode & 0o170000) == 0o040000 and not st.st_mode & 0o077):
            raise OSError('%s is not a private directory of this user' % d)
        self.path = os.path.join(d, '%d.log' % os.getpid())
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0), 0o600)
        self.f = os.fdopen(fd, 'w')
        self.lock = threading.Lock()
        self.line('context %d started: pid %d, python %s, uid %d'
                  % (context_id, os.getpid(), sys.version.split()[0], os.getuid()))

    def line(self, text):
        try:
            with self.lock:
                self.f.write('%.3f %s\n' % (time.time(), text))
                self.f.flush()
        except Exception:
            pass

    def frame(self, direction, raw):
        try:
            _, dst, src, req, kind, hlen = _HEAD.unpack_from(raw, 0)
            fields = ''
            if kind != LOG and kind != DATA and hlen:
                header = json.loads(raw[_HEAD.size:_HEAD.size + hlen].decode('utf-8'))
                fields = ' '.join('%s=%s' % (k, header[k]) for k in self.SAFE if k in header)
            self.line('%s %s dst=%d src=%d req=%d header=%dB body=%dB %s'
                      % (direction, self.KINDS.get(kind, kind), dst, src, req, hlen,
                         len(raw) - _HEAD.size - hlen, fields))
        except Exception as e:
            self.line('%s frame not readable: %s' % (direction, e))


class _ForwardLogging(object):
    """The target's `logging` records (and, through logging.captureWarnings, its `warnings`) become LOG frames,
    shown by Ansible at -vvv."""

    handler = None

    @staticmethod
    def install(agent, debug):
        import logging

        handler = _forwarding_handler(agent.log)
        _ForwardLogging.handler = handler
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.DEBUG if debug else logging.INFO)
        logging.captureWarnings(True)
        import warnings
        # Python 3.12+ warns at every fork of a threaded process; the agent forks knowingly (see
        # _reinit_after_fork), so the warning would only be noise on every forked task.
        warnings.filterwarnings('ignore', message='This process .* is multi-threaded', category=DeprecationWarning)


# Linux lets a process grow a pipe's buffer (F_SETPIPE_SZ) up to /proc/sys/fs/pipe-max-size, 1 MiB by default,
# without privileges. sshd writes the link into the agent's stdin pipe a 32 KB SSH packet at a time: with the
# default 64 KB the two switched every two packets. A 200 MiB copy task took 1.39-1.50 s with 1 MiB pipes against
# 1.59-1.66 s (means of 6 and 8 alternating runs on a 2-core machine).
_LINK_PIPE_SIZES = (1 << 20, 1 << 18)
_F_SETPIPE_SZ = getattr(fcntl, 'F_SETPIPE_SZ', 1031 if sys.platform.startswith('linux') else None)


def _grow_pipe(fd):
    """Best effort: a socket, another system, or a user over its pipe quota keeps the buffer it has."""
    if _F_SETPIPE_SZ is None:
        return
    for size in _LINK_PIPE_SIZES:
        try:
            fcntl.fcntl(fd, _F_SETPIPE_SZ, size)
            return
        except (IOError, OSError, ValueError):
            pass


def _setup_fds():
    """Move the channel off fds 0/1/2 so nothing a module prints can corrupt the frame stream."""
    rfd = os.dup(0)
    wfd = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    r, w = os.pipe()
    os.dup2(w, 1)
    os.dup2(w, 2)
    os.close(w)
    if null > 2:
        os.close(null)
    return rfd, wfd, r


class _StrayOutput(object):
    """What code in this interpreter writes to fds 1 and 2 (C libraries, os.write, print before a module's own
    redirection), forwarded as INFO stdio log records.

    A thread forwards output that arrives between requests. A reply drains the pipe itself first: bytes a module
    wrote before it finished are already in the pipe, and they must reach the engine before the reply does,
    since the engine hands a connection's logs to Ansible with that reply (a later reply may belong to a
    no_log task, whose logs are not shown)."""

    def __init__(self, agent, fd):
        self.agent = agent
        self.fd = fd
        self.lock = threading.Lock()
        self.buf = b''
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)

    def drain(self, whole=True):
        """Forwards what the pipe holds now; with `whole`, a last line without its newline too. Returns False
        once the pipe is closed."""
        with self.lock:
            open_ = True
            while True:
                try:
                    b = os.read(self.fd, 65536)
                except (OSError, IOError) as e:
                    open_ = e.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)
                    break
                if not b:
                    open_ = False
                    break
                self.buf += b
            while b'\n' in self.buf:
                line, self.buf = self.buf.split(b'\n', 1)
                self.agent.log('INFO', 'stdio', line.decode('utf-8', 'replace'))
            if self.buf and (whole or not open_):
                self.agent.log('INFO', 'stdio', self.buf.decode('utf-8', 'replace'))
                self.buf = b''
            return open_

    def forward(self):
        while True:
            try:
                select.select([self.fd], [], [])
            except (OSError, IOError, select.error):
                continue
            if not self.drain(whole=False):
                return


def main():
    global AGENT, LOGIN_ENV
    rfd, wfd, stray = _setup_fds()
    zygote = fork_zygote_early((rfd, wfd, stray))
    sys.stdout = io.TextIOWrapper(open(1, 'wb', 0, closefd=False), encoding='utf-8', write_through=True)
    sys.stderr = io.TextIOWrapper(open(2, 'wb', 0, closefd=False), encoding='utf-8', write_through=True)
    _grow_pipe(rfd)
    _grow_pipe(wfd)
    stream = Stream(rfd, wfd)
    # The first frame is the parent's init call: it tells this context its id (so no round trip is spent).
    raw = stream.read_raw()
    if raw is None:
        os._exit(1)
    init = decode_frame(raw)
    if init.header.get('zlib'):
        stream.compress(int(init.header['zlib']))
    global DEBUG
    if init.header.get('debug'):
        try:
            DEBUG = DebugLog(init.header.get('context', 1))
        except Exception:
            DEBUG = None
    if init.header.get('pam_service'):
        try:
            LOGIN_ENV = PamLoginEnv(init.header['pam_service'])
        except Exception:
            LOGIN_ENV = None
    AGENT = Agent(stream, init.header.get('context', 1))
    _NoopPreexec.install()
    _DebugSignalInThreads.install()
    if DEBUG is not None:
        AGENT.log('INFO', 'router', 'debug log of context %d: %s' % (AGENT.id, DEBUG.path))
    _ForwardLogging.install(AGENT, DEBUG is not None)
    AGENT.stray = _StrayOutput(AGENT, stray)
    t = threading.Thread(target=AGENT.stray.forward)
    t.daemon = True
    t.start()
    if zygote is not None:
        AGENT.forks.adopt(*zygote)
    else:
        AGENT.forks.start()
    try:
        AGENT.serve()
    finally:
        os._exit(0)


if __name__ == '__main__':
    if 'ZYGOTE_FD' in globals():
        zygote_main(ZYGOTE_FD)  # noqa: F821 (left by _ZYGOTE_STAGE1)
    else:
        main()
