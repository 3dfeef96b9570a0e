#!/usr/bin/env python3
"""The QEMU harness (harness.py) on itself: boots meant to fail, and what the
harness must then say on stderr, which is all `meson test --print-errorlogs`
shows of a TAP test.  Prints TAP.

  test_harness.py fake-qemu --harness H --fake-qemu F --log-dir D
      a boot that prints two lines, the second a second after the first, and
      then nothing: the report gives the timeout, how long the console had
      been silent and when it spoke last, and the last lines; with
      --max-silence the harness stops it that long after the last line.
      And a boot whose second self-test fails after two lines of its own:
      the report names it with those lines; one with many failures: the
      report stays under the 100 lines meson shows of a log.
  test_harness.py backtrace --harness H --qemu Q --kernel ELF --addr2line A --log-dir D
      crash=panic (a panic the harness was not told to expect) and crash=load
      (expected): each backtrace's frame #0 is symbolized to the function and
      line of the source that panics or loads; crash=stack: the trap report's
      sepc and ra are symbolized to the recursing function.  The expected places are found
      in the source tree by text, not by the harness's code.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The start of a C function definition: a line at column 0 naming it (the
# last name before a '(' that is not __attribute__'s).
FUNCTION_START = re.compile(r"^[a-z](?:.*\W)?(?!__attribute__)(\w+)\((?!\().*[^;]$")


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402


def run_harness(a, name, args):
    """Run the harness; returns (exit status, stdout, stderr)."""
    cmd = [sys.executable, a.harness, "--name", name, "--log-dir", a.log_dir] + args
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def source_place(text):
    """(function, path relative to the tree, line) of the one kernel source
    line that contains `text`."""
    found = []
    for path in sorted(glob.glob(os.path.join(SOURCE_ROOT, "kernel", "**", "*.c"),
                                 recursive=True)):
        lines = open(path, encoding="utf-8").read().splitlines()
        for i, line in enumerate(lines):
            if text in line:
                function = next((m.group(1) for m in (FUNCTION_START.match(l)
                                 for l in reversed(lines[:i])) if m), None)
                found.append((function, os.path.relpath(path, SOURCE_ROOT), i + 1))
    if len(found) != 1:
        sys.exit("test_harness.py: %r is in %d places of kernel/, not one: %s" %
                 (text, len(found), found))
    return found[0]


def test_hang(a, tap):
    status, out, err = run_harness(a, "harness-hang", [
        "--qemu", a.fake_qemu, "--kernel", "none", "--append", "hang", "--timeout", "3"])
    tap.check(status == 1, "a boot that hangs fails (status %d)" % status, err)
    tap.check(re.search(r"^not ok 1 - boot reached its final line \(timeout after 3\.\d s", out,
                        re.M), "the TAP says the boot timed out", out)
    # The fake's last line comes 1 s (plus its start-up) after the first; the
    # harness gives up 3 s after the start (plus the time to kill it): the
    # silence is what is left, T - L.
    m = re.search(r"^harness: harness-hang: 1 of \d+ checks failed; timeout after (\d+\.\d) s; "
                  r"no output for the last (\d+\.\d) s \(the last at (\d+\.\d) s\); "
                  r"exit status None; log: ", err, re.M)
    ended, silent, last = (float(x) for x in m.groups()) if m else (0, 0, 0)
    # Each figure is rounded to 0.1 s: their sum may be off by 0.15 s.
    tap.check(m and 3.0 <= ended < 6 and 1.0 <= last < 2.5 and abs(ended - last - silent) <= 0.16,
              "stderr: the timeout, how long the console was silent, when it spoke last", err)
    tap.check(re.search(r"^  failed: boot reached its final line", err, re.M),
              "stderr: the failed check", err)
    tap.check(re.search(r"^the last 2 console lines:\n  \| fake: booting\n"
                        r"  \| fake: init: waiting for ever$", err, re.M),
              "stderr: the last console lines, in order", err)


def test_max_silence(a, tap):
    # The same hang with --max-silence 1.5 under a 30 s timeout: stopped
    # 1.5 s after the last line (at 1-2.5 s), long before the timeout.
    status, out, err = run_harness(a, "harness-max-silence", [
        "--qemu", a.fake_qemu, "--kernel", "none", "--append", "hang", "--timeout", "30",
        "--max-silence", "1.5"])
    m = re.search(r"^harness: harness-max-silence: 1 of \d+ checks failed; hung \(no output for "
                  r"1\.5 s, --max-silence\) after (\d+\.\d) s; no output for the last "
                  r"(\d+\.\d) s \(the last at (\d+\.\d) s\)", err, re.M)
    ended, silent, last = (float(x) for x in m.groups()) if m else (0, 0, 0)
    tap.check(status == 1 and m and 1.5 <= silent < 3 and ended < 10,
              "--max-silence: a hang stops after that long without output, not at the timeout",
              err)
    m = re.search(r"^# harness-max-silence: .*; longest silence (\d+\.\d) s, "
                  r"after 'fake: init: waiting for ever'; log: ", out, re.M)
    tap.check(m and float(m.group(1)) >= 1.5,
              "stdout: the longest silence of the boot (the final one) and the line before it",
              out)


def test_selftest(a, tap):
    status, out, err = run_harness(a, "harness-selftest", [
        "--qemu", a.fake_qemu, "--kernel", "none", "--append", "selftest", "--selftest",
        "--timeout", "30"])
    tap.check(status == 1, "a failed kernel self-test fails the boot (status %d)" % status, err)
    tap.check(re.search(r"^  failed: kernel: fake_second\n  : fake: second: checking\n"
                        r"  : fake: second: 3 pages leaked\n  failed: kernel self-test summary: "
                        r"2 passed, 1 failed$", err, re.M),
              "stderr: the failed self-test with its own lines, then the summary", err)
    tap.check(not re.search(r"failed: kernel: fake_(first|third)", err),
              "stderr: no passed self-test among the failures", err)


def test_selftest_many(a, tap):
    # 7 failed self-tests of 12 lines each and the summary: 8 failed checks.
    status, out, err = run_harness(a, "harness-selftest-many", [
        "--qemu", a.fake_qemu, "--kernel", "none", "--append", "selftest-many", "--selftest",
        "--timeout", "30"])
    lines = err.splitlines()
    tap.check(status == 1 and 0 < len(lines) < 100,
              "stderr: a report of many failures stays under the 100 lines meson shows "
              "(%d lines)" % len(lines), err)
    tap.check(re.search(r"^  failed: kernel: fake_1\n(  : fake: test 1: line (\d+)\n){8}"
                        r"  failed: kernel: fake_2$", err, re.M)
              and "  : fake: test 1: line 4\n" not in err
              and "  : fake: test 1: line 5\n" in err,
              "stderr: a failed self-test's last 8 lines (5 to 12)", err)
    tap.check(re.search(r"^  failed: kernel: fake_5$", err, re.M)
              and not re.search(r"^  failed: kernel: fake_6$", err, re.M)
              and re.search(r"^  and 3 more failed checks ", err, re.M),
              "stderr: the first 5 failed checks, then how many more", err)


def test_backtrace(a, tap):
    boot = ["--qemu", a.qemu, "--kernel", a.kernel, "--addr2line", a.addr2line,
            "--timeout", "60"]
    function, path, line = source_place('panic("crash=panic was given")')
    frame0 = r"^  #0 0x[0-9a-f]{16} %s at %s:%d$" % (function, re.escape(path), line)

    status, out, err = run_harness(a, "harness-panic", boot + ["--append", "crash=panic"])
    tap.check(status == 1, "an unexpected panic fails the boot (status %d)" % status, err)
    tap.check(re.search(r"^  failed: no kernel trap or panic$", err, re.M),
              "stderr: the failed check", err)
    tap.check(re.search(r"^  \| panic: crash=panic was given$", err, re.M),
              "stderr: the panic line among the last console lines", err)
    tap.check(re.search(r"^backtrace, symbolized with .*tessera\.elf:$", err, re.M),
              "stderr: the backtrace, symbolized with the ELF booted", err)
    tap.check(re.search(frame0, err, re.M),
              "stderr: frame #0, the caller of panic, is %s at %s:%d" % (function, path, line), err)
    frames = re.findall(r"^  #(\d+) (0x[0-9a-f]{16}) ", err, re.M)
    tap.check(len(frames) >= 2 and frames[0][1] != frames[1][1],
              "stderr: frame #1 is the caller's caller, not the call site again", err)

    function, path, line = source_place("(void)*unmapped;")
    frame0 = r"^#   #0 0x[0-9a-f]{16} %s at %s:%d$" % (function, re.escape(path), line)
    status, out, err = run_harness(a, "harness-load", boot + [
        "--append", "crash=load", "--expect-trap", "--expect-exit", "1"])
    tap.check(status == 0, "an expected trap passes (status %d)" % status, out + err)
    tap.check(err == "", "a passing boot says nothing on stderr", err)
    tap.check(re.search(frame0, out, re.M),
              "stdout: frame #0, the faulting load itself, is %s at %s:%d" % (function, path, line),
              out)
    sepc = r"^#   sepc 0x[0-9a-f]{16} %s at %s:%d$" % (function, re.escape(path), line)
    tap.check(re.search(sepc, out, re.M),
              "stdout: the trap report's sepc is %s at %s:%d" % (function, path, line), out)

    # A stack overflow's report has no backtrace: its sepc and ra say where.
    function, path, line = source_place("return recurse(depth + 1)")
    status, out, err = run_harness(a, "harness-stack", boot + [
        "--append", "crash=stack", "--expect-trap", "--expect-exit", "1"])
    tap.check(status == 0, "an expected stack overflow passes (status %d)" % status, out + err)
    for reg in ("sepc", "ra"):
        rx = r"^#   %s 0x[0-9a-f]{16} %s at %s:\d+$" % (reg, function, re.escape(path))
        tap.check(re.search(rx, out, re.M),
                  "stdout: the overflow report's %s is in %s (%s)" % (reg, function, path), out)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["fake-qemu", "backtrace"])
    p.add_argument("--harness", required=True)
    p.add_argument("--fake-qemu")
    p.add_argument("--qemu")
    p.add_argument("--kernel")
    p.add_argument("--addr2line")
    p.add_argument("--log-dir", required=True)
    a = p.parse_args(argv)
    tap = Tap("test_harness.py")
    if a.what == "fake-qemu":
        test_hang(a, tap)
        test_max_silence(a, tap)
        test_selftest(a, tap)
        test_selftest_many(a, tap)
    else:
        test_backtrace(a, tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
