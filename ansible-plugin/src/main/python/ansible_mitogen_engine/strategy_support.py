# Copyright the ansible-mitogen-for-Jenkins authors.
"""What mitogen_linear and mitogen_free add to the stock strategies.

Everything happens when the strategy is built, in the controller process,
before any worker forks: version and feature checks, connection plugin
routing, the engine hand-shake (so a missing engine fails the run at once,
never falling back to stock), and the context mitogen_via needs.
"""
from __future__ import absolute_import, division, print_function

from ansible.errors import AnsibleError
from ansible.utils.display import Display

from ansible_mitogen_engine import compat, install, locator, vias
from ansible_mitogen_engine.client import EngineUnavailable

display = Display()


class EngineStrategyMixin(object):

    def __init__(self, tqm):
        compat.check_version(warn=display.warning)
        compat.check_features()
        install.install()
        try:
            info = locator.check_engine()
        except EngineUnavailable as e:
            raise AnsibleError('ansible-mitogen: %s' % e)
        display.vvv('ansible-mitogen: engine %s at %s' % (info.get('engine_version', '?'), locator.get_client().path))
        super(EngineStrategyMixin, self).__init__(tqm)
        if compat.workers_are_forked():
            vias.set_context(self._inventory, self._variable_manager, self._loader)
        # Workers open their own socket; the controller's is not needed any more.
        locator.get_client().close()
