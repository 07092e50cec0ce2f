# Copyright the ansible-mitogen-for-Jenkins authors.
"""The stock `host_pinned` strategy, with every connection going through the ansible-mitogen engine.

Put this directory in `strategy_plugins` (or ANSIBLE_STRATEGY_PLUGINS) and set
`strategy = mitogen_host_pinned`.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

# Our package lives beside this directory (it is not an Ansible plugin directory).
_ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # through `current`: this version's package
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from ansible.plugins.strategy.host_pinned import StrategyModule as _StockStrategy  # noqa: E402

from ansible_mitogen_engine.strategy_support import EngineStrategyMixin  # noqa: E402


class StrategyModule(EngineStrategyMixin, _StockStrategy):
    pass
