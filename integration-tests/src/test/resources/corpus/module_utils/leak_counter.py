# -*- coding: utf-8 -*-
# Corpus module_util with a global counter (state_leaks.yml): each fresh module process starts it at zero.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

COUNTER = [0]


def bump():
    COUNTER[0] += 1
    return COUNTER[0]
