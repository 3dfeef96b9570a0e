#!/usr/bin/env python3
"""Stands in for a test that cannot run on this machine (a tool is missing;
see missing_test_tools in meson.build): a TAP plan of no tests, skipped, with
the reason, which meson counts as a skip.  Arguments after WHY (the real
test's) are ignored.

usage: skipped.py WHY [ARGS...]
"""
import sys

if len(sys.argv) < 2:
    sys.exit(__doc__.strip())
print("1..0 # SKIP %s" % sys.argv[1])
