#!/usr/bin/env python3
"""Boot a tests/programs/ program under Tessera and compare with the host.

usage: compare.py --host-program EXE --program NAME [--ended REASON]
                  [--stdin FILE] [--kernel-words WORDS] -- HARNESS [HARNESS ARGS...]

Runs EXE (the same source built for the host with the host's gcc, by
meson) and turns every line of its stdout into an --expect of the harness
(the whole line, literally), plus the line "run: NAME exited with STATUS"
with the host program's status (128 + N for signal N).  Then runs the harness, which boots Tessera
with run=NAME.  The expected output thus comes from the host's C library,
not from Tessera's.  --ended: the program is ended by the kernel on Tessera
(the host kills it with a signal): expect "run: NAME was ended: REASON"
instead of the status line.  --stdin: both read FILE as their stdin (the
host program from the file, Tessera's from the console, where the harness
types it and then the end of file; the kernel word console_echo=off keeps
the echo out of the output, as tools/boot does for piped input); without
it both get an empty stdin.  --kernel-words: more words for the kernel
command line.
"""
import argparse
import os
import re
import subprocess
import sys


def host_output(exe, stdin):
    """Stdout lines and exit status of the host program exe, reading the
    file stdin.  A program ended by signal N has status 128 + N, as a shell
    reports it."""
    with open(stdin, "rb") as f:
        run = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             stdin=f, timeout=60)
    status = 128 - run.returncode if run.returncode < 0 else run.returncode
    return run.stdout.decode().splitlines(), status


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host-program", required=True)
    p.add_argument("--program", required=True)
    p.add_argument("--ended", metavar="REASON")
    p.add_argument("--stdin", metavar="FILE", default=os.devnull)
    p.add_argument("--kernel-words", default="")
    p.add_argument("harness", nargs=argparse.REMAINDER)
    a = p.parse_args()
    harness = a.harness[1:] if a.harness[:1] == ["--"] else a.harness
    if not harness:
        sys.exit("compare.py: no harness command after --")
    lines, status = host_output(a.host_program, a.stdin)
    if not lines:
        sys.exit("compare.py: the host program printed nothing: nothing to compare")
    expects = []
    for line in lines:
        expects += ["--expect", "^" + re.escape(line) + "$"]
    if a.ended:
        if status <= 128:
            sys.exit("compare.py: --ended, but the host program exited with %d" % status)
        end = "was ended: " + re.escape(a.ended)
    else:
        end = "exited with %d" % status
    expects += ["--expect", "^run: %s %s$" % (re.escape(a.program), end)]
    words = "run=%s console_echo=off %s" % (a.program, a.kernel_words)
    cmd = [sys.executable] + harness + ["--append", words.strip(), "--stdin", a.stdin] + expects
    sys.exit(subprocess.run(cmd).returncode)


if __name__ == "__main__":
    main()
