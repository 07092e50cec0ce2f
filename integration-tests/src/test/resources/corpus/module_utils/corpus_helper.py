# -*- coding: utf-8 -*-
# Corpus custom module_util, imported by library/corpus_echo.py.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

HELPER_VERSION = '1.0'


def shout(text):
    return text.upper() + '!'
