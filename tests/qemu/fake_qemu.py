#!/usr/bin/env python3
"""A stand-in for qemu-system-riscv64 in the harness's own tests
(tests/qemu/test_harness.py): takes QEMU's arguments, prints a few console
lines, and then does what -append says:

  hang      print a line, a second later one more, then nothing until killed
  selftest  print self-test results, the second failed after two lines of
            its own, then the summary and the final line, and exit 1
  selftest-many  print 7 failed self-tests of 12 lines each, the summary
            and the final line, and exit 1
  (else)    print the final line and exit 0
"""
import sys
import time


def say(line):
    sys.stdout.write(line + "\r\n")  # a serial console ends lines with CR LF
    sys.stdout.flush()


def main(argv):
    append = argv[argv.index("-append") + 1] if "-append" in argv else ""
    say("fake: booting")
    if append == "hang":
        time.sleep(1)
        say("fake: init: waiting for ever")
        while True:
            time.sleep(60)
    if append == "selftest":
        for line in ["ok 1 - fake_first", "fake: second: checking",
                     "fake: second: 3 pages leaked", "not ok 2 - fake_second",
                     "ok 3 - fake_third", "2 passed, 1 failed",
                     "tessera: halting (failure): self-tests failed"]:
            say(line)
        return 1
    if append == "selftest-many":
        for n in range(1, 8):
            for i in range(1, 13):
                say("fake: test %d: line %d" % (n, i))
            say("not ok %d - fake_%d" % (n, n))
        say("0 passed, 7 failed")
        say("tessera: halting (failure): self-tests failed")
        return 1
    say("tessera: halting (success)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
