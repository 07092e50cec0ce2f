# Remote agent core: runs on the target inside the interpreter started by the stage-1 bootstrap.
#
# It is sent zlib-compressed over stdin and exec'd by stage 1, which leaves the compressed bytes in the global
# `C` so that this context can start children (become users, containers) without fetching itself again.
# Wire format: docs/protocol.md, section 2. Must run on Python 3.6 to 3.13: no walrus, no newer stdlib calls.
import errno
import hashlib
import io
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
import zipfile

PROTOCOL = 1
CALL, REPLY, ERROR, LOG, DATA, HELLO = 1, 2, 3, 4, 5, 6
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
    """A framed byte stream over two file descriptors; writes are serialised by a lock."""

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.wlock = threading.Lock()

    def _read_exact(self, n):
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
        first = self._read_exact(4)
        if first is None:
            return None
        (length,) = struct.unpack('>I', first)
        rest = self._read_exact(length)
        if rest is None:
            return None
        return first + rest

    def write_raw(self, data):
        with self.wlock:
            view = memoryview(data)
            while view:
                try:
                    n = os.write(self.wfd, view)
                except OSError as e:
                    if e.errno == errno.EINTR:
                        continue
                    raise
                view = view[n:]


def decode_frame(raw):
    _, dst, src, req, kind, hlen = _HEAD.unpack_from(raw, 0)
    off = _HEAD.size
    header = json.loads(raw[off:off + hlen].decode('utf-8')) if hlen else {}
    return Frame(dst, src, req, kind, header, raw[off + hlen:])


def peek_dst(raw):
    return struct.unpack_from('>I', raw, 4)[0]


# ---------------------------------------------------------------------------------------------------------
# Module code served from RAM.

class ZipStore(object):
    """AnsiballZ ZIPs kept by SHA-1 for the life of this interpreter; the newest one is searched first."""

    def __init__(self):
        self.zips = {}
        self.order = []
        self.lock = threading.Lock()

    def has(self, sha):
        return sha in self.zips

    def add(self, sha, data):
        actual = hashlib.sha1(data).hexdigest()
        if actual != sha:
            raise ValueError('ZIP digest mismatch: expected %s, got %s' % (sha, actual))
        with self.lock:
            if sha not in self.zips:
                zf = zipfile.ZipFile(io.BytesIO(data))
                self.zips[sha] = (zf, set(zf.namelist()))
                self.order.insert(0, sha)

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
        exec(code, module.__dict__)

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


class ModuleRunner(object):
    """Runs a new-style module from a stored ZIP, either in this interpreter (reuse) or in a forked child."""

    def __init__(self, store, importer):
        self.store = store
        self.importer = importer
        self.inproc = threading.Lock()

    def run(self, header):
        isolation = header.get('isolation') or 'reuse'
        if isolation == 'fork' or not self.inproc.acquire(False):
            return self._run_forked(header)
        try:
            return self._run_here(header)
        finally:
            self.inproc.release()

    def _prepare(self, header):
        self.importer.prefer = header['zip_sha1']
        params = header['params']
        if not isinstance(params, bytes):
            params = params.encode('utf-8')
        fqn = header['fqn']
        basic = __import__('ansible.module_utils.basic', fromlist=['basic'])
        basic._ANSIBLE_ARGS = params
        return fqn

    def _invoke(self, fqn, header):
        import runpy
        argv = sys.argv
        sys.argv = ['ram://%s' % fqn]
        try:
            runpy.run_module(fqn, init_globals=dict(_module_fqn=fqn, _modlib_path=None),
                             run_name='__main__', alter_sys=True)
        finally:
            sys.argv = argv

    def _run_here(self, header):
        saved_env = dict(os.environ)
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
        try:
            _apply_env_cwd(header)
            fqn = self._prepare(header)
            sys.stdout, sys.stderr = out, err
            atexit.register = register
            try:
                self._invoke(fqn, header)
            except SystemExit as e:
                rc, extra_err = _exit_code(e)
            except BaseException:
                rc = 1
                extra_err = traceback.format_exc().encode('utf-8', 'replace')
        finally:
            atexit.register = saved_register
            for func, args, kwargs in reversed(exits):
                try:
                    func(*args, **kwargs)
                except Exception:
                    pass
            sys.stdout, sys.stderr = saved_out, saved_err
            _reset_module_state()
            os.environ.clear()
            os.environ.update(saved_env)
            sys.path[:] = saved_path
            try:
                os.chdir(saved_cwd)
            except OSError:
                pass
        return Outcome(rc, out.value(), err.value() + extra_err)

    def _run_forked(self, header):
        def child():
            _apply_env_cwd(header)
            fqn = self._prepare(header)
            self._invoke(fqn, header)
        return run_in_child(child)


def _getcwd():
    try:
        return os.getcwd()
    except OSError:
        return '/'


def _apply_env_cwd(header):
    env = header.get('env') or {}
    for k, v in env.items():
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
            if isinstance(value, list):
                del value[:]
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


def run_in_child(func):
    """fork(); run func in the child with stdout/stderr on pipes; return its Outcome."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        rc = 1
        try:
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
                os.write(2, traceback.format_exc().encode('utf-8', 'replace'))
                rc = 1
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


def run_command(header, stdin_bytes):
    cmd = header.get('argv') or header.get('cmd')
    shell = 'argv' not in header
    env = None
    if header.get('env'):
        env = dict(os.environ)
        env.update(header['env'])
    try:
        p = subprocess.Popen(cmd, shell=shell, executable='/bin/sh' if shell else None,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=header.get('cwd') or None, env=env, close_fds=True,
                             preexec_fn=_restore_signals)
    except OSError as e:
        return Outcome(127, b'', ('%s: %s\n' % (cmd, e.strerror)).encode('utf-8', 'replace'))
    out, err = p.communicate(stdin_bytes or b'')
    return Outcome(p.returncode, out, err)


def _restore_signals():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


# ---------------------------------------------------------------------------------------------------------
# Files.

def receive_file(header, chunks):
    """Write DATA chunks to a temp file beside the destination, then rename it into place."""
    path = header['path']
    directory = os.path.dirname(path) or '.'
    fd, tmp = tempfile.mkstemp(prefix='.ansible_mitogen_', dir=directory)
    ok = False
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
        mode = header.get('mode')
        if mode is not None:
            os.fchmod(fd, int(mode, 8) if isinstance(mode, str) else mode)
        else:
            os.fchmod(fd, 0o666 & ~_umask())
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
    return {'size': os.stat(path).st_size}


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------------------------------------------
# The agent: message loop and dispatch.

class RemoteError(Exception):
    def __init__(self, kind, msg):
        Exception.__init__(self, msg)
        self.kind = kind


class Agent(object):
    def __init__(self, stream, context_id):
        self.stream = stream
        self.id = context_id
        self.store = ZipStore()
        self.importer = RamImporter(self.store)
        sys.meta_path.insert(0, self.importer)
        self.modules = ModuleRunner(self.store, self.importer)
        self.inbound = {}            # req -> list used as a queue of DATA frames
        self.inbound_cv = threading.Condition()
        self.children = {}           # context id -> Child
        self.routes = {}             # descendant context id -> child context id
        self.handlers = {
            'ping': self.on_ping,
            'run_module': self.on_run_module,
            'exec': self.on_exec,
            'put_file': self.on_put_file,
            'fetch_file': self.on_fetch_file,
            'shutdown': self.on_shutdown,
        }

    # -- sending
    def send(self, dst, req, kind, header, body=b''):
        self.stream.write_raw(encode_frame(dst, self.id, req, kind, header, body))

    def log(self, level, name, msg):
        try:
            self.send(0, 0, LOG, {'level': level, 'name': name, 'msg': msg})
        except Exception:
            pass

    def close_channel_in_child(self):
        for fd in (self.stream.rfd, self.stream.wfd):
            try:
                os.close(fd)
            except OSError:
                pass

    # -- receiving
    def serve(self):
        self.send(0, 0, HELLO, {'protocol': PROTOCOL, 'python': '%d.%d.%d' % sys.version_info[:3],
                                'pid': os.getpid(), 'context': self.id, 'executable': sys.executable})
        while True:
            raw = self.stream.read_raw()
            if raw is None:
                break
            dst = peek_dst(raw)
            if dst != self.id:
                self.route_down(dst, raw)
                continue
            frame = decode_frame(raw)
            if frame.kind == CALL:
                op = frame.header.get('op')
                if op == 'shutdown':
                    self.reply(frame, {})
                    break
                t = threading.Thread(target=self.dispatch, args=(frame,))
                t.daemon = True
                t.start()
            elif frame.kind == DATA:
                with self.inbound_cv:
                    self.inbound.setdefault(frame.req, []).append(frame)
                    self.inbound_cv.notify_all()
        self.shutdown_children()

    def route_down(self, dst, raw):
        via = self.routes.get(dst)
        child = self.children.get(via) if via is not None else None
        if child is None:
            frame = decode_frame(raw)
            if frame.kind == CALL:
                self.send(frame.src, frame.req, ERROR, {'type': 'unreachable',
                                                        'msg': 'context %d is gone' % dst})
            return
        child.write_raw(raw)

    def dispatch(self, frame):
        handler = self.handlers.get(frame.header.get('op'))
        try:
            if handler is None:
                raise RemoteError('bad_request', 'unknown operation %r' % (frame.header.get('op'),))
            result = handler(frame)
            if result is not None:
                header, body = result
                self.reply(frame, header, body)
        except RemoteError as e:
            self.send(frame.src, frame.req, ERROR, {'type': e.kind, 'msg': str(e)})
        except Exception as e:
            self.send(frame.src, frame.req, ERROR,
                      {'type': 'failed', 'msg': '%s: %s' % (type(e).__name__, e),
                       'traceback': traceback.format_exc()})

    def reply(self, frame, header, body=b''):
        self.send(frame.src, frame.req, REPLY, header, body)

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

    # -- operations
    def on_ping(self, frame):
        return {}, b''

    def on_run_module(self, frame):
        h = frame.header
        if h.get('has_zip'):
            self.store.add(h['zip_sha1'], frame.body)
        elif not self.store.has(h['zip_sha1']):
            raise RemoteError('need_zip', h['zip_sha1'])
        o = self.modules.run(h)
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

    def on_shutdown(self, frame):
        return {}, b''

    def shutdown_children(self):
        for child in list(self.children.values()):
            child.close()


AGENT = None


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


def _forward_stray_output(agent, fd):
    buf = b''
    while True:
        try:
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        buf += b
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            agent.log('INFO', 'stdio', line.decode('utf-8', 'replace'))
    if buf:
        agent.log('INFO', 'stdio', buf.decode('utf-8', 'replace'))


def main():
    global AGENT
    rfd, wfd, stray = _setup_fds()
    sys.stdout = io.TextIOWrapper(open(1, 'wb', 0, closefd=False), encoding='utf-8', write_through=True)
    sys.stderr = io.TextIOWrapper(open(2, 'wb', 0, closefd=False), encoding='utf-8', write_through=True)
    stream = Stream(rfd, wfd)
    # The first frame is the parent's init call: it tells this context its id (so no round trip is spent).
    raw = stream.read_raw()
    if raw is None:
        os._exit(1)
    init = decode_frame(raw)
    AGENT = Agent(stream, init.header.get('context', 1))
    t = threading.Thread(target=_forward_stray_output, args=(AGENT, stray))
    t.daemon = True
    t.start()
    try:
        AGENT.serve()
    finally:
        os._exit(0)


if __name__ == '__main__':
    main()
