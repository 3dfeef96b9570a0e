#!/usr/bin/env python3
"""tools/test's closing lines, from meson's testlog.json: each skipped test
or subtest with its reason (a TAP "# SKIP" in its output), then one line of
counts of meson tests for people and CI.

usage: test-summary.py TESTLOG_JSON
"""
import json
import re
import sys


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__.strip())
    passed = failed = skipped = 0
    for line in open(argv[0]):
        test = json.loads(line)
        result = test.get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
        name = test["name"].split(" / ")[-1]  # "tessera:suite / name"
        for m in re.finditer(r"^(?:1\.\.0|ok \d+ - (.*?)) # SKIP (.*)$", test.get("stdout") or "",
                             re.M):
            print("skipped: %s%s: %s" % (name, " " + m.group(1) if m.group(1) else "", m.group(2)))
    print("tests: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
