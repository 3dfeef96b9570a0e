#!/usr/bin/env python3
"""A stand-in for qemu-system-riscv64 in the harness's own tests
(tests/qemu/test_harness.py): takes QEMU's arguments, prints a few console
lines, and then does what -append says:

  hang   print a line, a second later one more, then nothing until killed
  (else) print the final line and exit 0
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
    say("tessera: halting (success)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
