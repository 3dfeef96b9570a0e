#!/usr/bin/env python3
"""Run a host command and check its exit status and output; print TAP.

usage: check_command.py [--exit N] [--expect REGEX]... [--forbid REGEX]...
                        [--expect-stdout REGEX]... [--expect-stderr REGEX]... -- CMD ARGS...
--expect and --forbid check stdout and stderr together; --expect-stdout and
--expect-stderr check one of them alone.  On a failure the command's output
and the failed checks go to stderr too: meson shows only a TAP test's stderr
with --print-errorlogs.
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
    p.add_argument("--expect-stdout", action="append", default=[])
    p.add_argument("--expect-stderr", action="append", default=[])
    a = p.parse_args(argv[:split])
    cmd = argv[split + 1:]
    if not cmd:
        sys.exit("check_command.py: no command after --")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    stdout = r.stdout.decode("utf-8", "replace")
    stderr = r.stderr.decode("utf-8", "replace")
    out = stdout + ("" if stdout.endswith("\n") or not stdout else "\n") + stderr
    for line in out.splitlines():
        print("# " + line)
    checks = [(r.returncode == a.exit, "exit status %d (want %d)" % (r.returncode, a.exit))]
    checks += [(re.search(x, out, re.M) is not None, "expect /%s/" % x) for x in a.expect]
    checks += [(re.search(x, out, re.M) is None, "forbid /%s/" % x) for x in a.forbid]
    checks += [(re.search(x, stdout, re.M) is not None, "expect on stdout /%s/" % x)
               for x in a.expect_stdout]
    checks += [(re.search(x, stderr, re.M) is not None, "expect on stderr /%s/" % x)
               for x in a.expect_stderr]
    for i, (ok, what) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    print("1..%d" % len(checks))
    failed = [what for ok, what in checks if not ok]
    if failed:
        sys.stderr.write("check_command.py: %s\n" % " ".join(cmd))
        for what in failed:
            sys.stderr.write("  failed: %s\n" % what)
        sys.stderr.write("  stdout:\n" + "".join("    %s\n" % l for l in stdout.splitlines()))
        sys.stderr.write("  stderr:\n" + "".join("    %s\n" % l for l in stderr.splitlines()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
