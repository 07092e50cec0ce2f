# Prints the names created in the given directories (inotify IN_CREATE / IN_MOVED_TO), one per line, until its
# stdin closes. Prints READY once every watch is in place. Used to show what a run writes on a target.
import ctypes
import os
import select
import struct
import sys

IN_CREATE, IN_MOVED_TO = 0x100, 0x80
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
if fd < 0:
    sys.exit('inotify_init1 failed: %s' % os.strerror(ctypes.get_errno()))
watches = {}
for d in sys.argv[1:]:
    wd = libc.inotify_add_watch(fd, d.encode(), IN_CREATE | IN_MOVED_TO)
    if wd < 0:
        sys.exit('cannot watch %s: %s' % (d, os.strerror(ctypes.get_errno())))
    watches[wd] = d
print('READY', flush=True)
while True:
    r, _, _ = select.select([fd, sys.stdin], [], [])
    if fd in r:
        data = os.read(fd, 65536)
        off = 0
        while off < len(data):
            wd, mask, cookie, length = struct.unpack_from('iIII', data, off)
            name = data[off + 16:off + 16 + length].rstrip(b'\0').decode('utf-8', 'replace')
            print(os.path.join(watches.get(wd, '?'), name), flush=True)
            off += 16 + length
    if sys.stdin in r and not sys.stdin.readline():
        break
