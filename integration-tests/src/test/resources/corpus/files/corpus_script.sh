#!/bin/sh
# Corpus script: prints its arguments and working directory, writes one line to stderr.
echo "args: $#"
for a in "$@"; do echo "arg: $a"; done
echo "cwd: $(pwd)"
echo "script stderr line" >&2
