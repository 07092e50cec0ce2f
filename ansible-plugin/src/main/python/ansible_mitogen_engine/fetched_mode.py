# Copyright the ansible-mitogen-for-Jenkins authors.
"""The mode a fetched file gets on the controller, as stock's connection leaves it.

The engine writes a fetched file through a private temp file (mode 0600) that it renames into place; stock's
connections write the destination itself, so its mode follows what they create it with, less the controller's
umask, and a file that was there keeps its mode:
  - ssh with sftp (transfer method `smart`, `sftp`): OpenSSH's sftp client opens a new file with the remote
    file's permission bits plus owner-write (`open(path, O_CREAT, (perm & 0777) | S_IWUSR)`);
  - ssh with scp: scp's sink creates it with the remote permission bits;
  - ssh `piped`, local (shutil.copyfile), docker (dd into open(...,'wb')): 0666.
"""
from __future__ import absolute_import, division, print_function

import os
import stat
import threading

_umask_lock = threading.Lock()


def controller_umask():
    """This process's umask, read without changing it where Linux tells it (other threads may create files)."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (IOError, OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def existing_mode(path):
    """The permission bits of the regular file at path, or None when there is none (stock keeps them)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else None


def creation_mode(kind, remote_mode):
    """The mode stock's transfer creates a new file with, before the umask: kind 'sftp', 'scp' or 'plain'."""
    if kind in ('sftp', 'scp') and remote_mode is not None:
        bits = int(remote_mode, 8) & 0o777 if isinstance(remote_mode, str) else int(remote_mode) & 0o777
        return bits | stat.S_IWUSR if kind == 'sftp' else bits
    return 0o666


def apply(path, before, kind, remote_mode):
    """Gives the fetched file at path the mode stock would have left (before: existing_mode() ahead of the fetch)."""
    mode = before if before is not None else creation_mode(kind, remote_mode) & ~controller_umask()
    os.chmod(path, mode)
