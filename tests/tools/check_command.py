#!/usr/bin/env python3
"""Run a host command and check its exit status and output; print TAP.

usage: check_command.py [--exit N] [--expect REGEX]... [--forbid REGEX]... -- CMD ARGS...
stdout and stderr are checked together.
"""
import argparse
import re
import subprocess
import sys


def main(argv):
    split = argv.index("--") if "--" in argv else len(argv)
    p = argparse.ArgumentParser()
    p.add_argument("--exit", type=int, default=0)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--forbid", action="append", default=[])
    a = p.parse_args(argv[:split])
    cmd = argv[split + 1:]
    if not cmd:
        sys.exit("check_command.py: no command after --")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    out = r.stdout.decode("utf-8", "replace")
    for line in out.splitlines():
        print("# " + line)
    checks = [(r.returncode == a.exit, "exit status %d (want %d)" % (r.returncode, a.exit))]
    checks += [(re.search(x, out, re.M) is not None, "expect /%s/" % x) for x in a.expect]
    checks += [(re.search(x, out, re.M) is None, "forbid /%s/" % x) for x in a.forbid]
    for i, (ok, what) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    print("1..%d" % len(checks))
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
