#!/usr/bin/env python3
"""Boot a tests/programs/ program under Tessera and compare with the host.

usage: compare.py --host-program EXE --program NAME [--ended REASON]
                  [--arg ARG]... [--host-cwd DIR] [--stdin FILE]
                  [--kernel-words WORDS] -- HARNESS [HARNESS ARGS...]

Runs EXE (the same source built for the host with the host's gcc, by
meson) as NAME (its argv[0]) with the --arg ARGs and an empty environment,
as init starts it on Tessera, and turns every line of its stdout into an --expect of the harness
(the whole line, literally), plus the line "run: NAME exited with STATUS"
with the host program's status (128 + N for signal N).  Then runs the harness, which boots Tessera
with run=NAME -- ARGS (each ARG in double quotes).  The expected output thus comes from the host's C library,
not from Tessera's.  --ended: the program is ended by the kernel on Tessera
(the host kills it with a signal): expect "run: NAME was ended: REASON"
instead of the status line.  --host-cwd: the host program runs in DIR (where
the data files it opens by name are; on Tessera they are boot-image files).
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


def host_output(exe, name, args, cwd, stdin):
    """Stdout lines and exit status of the host program exe run as name
    with args (the environment empty), reading the file stdin, in cwd
    (None: here).  A program ended by signal N has status 128 + N, as a
    shell reports it."""
    with open(stdin, "rb") as f:
        run = subprocess.run([name] + args, executable=exe, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, stdin=f, env={},
                             timeout=60, cwd=cwd)
    status = 128 - run.returncode if run.returncode < 0 else run.returncode
    return run.stdout.decode().splitlines(), status


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host-program", required=True)
    p.add_argument("--program", required=True)
    p.add_argument("--ended", metavar="REASON")
    p.add_argument("--arg", action="append", default=[], metavar="ARG")
    p.add_argument("--host-cwd", metavar="DIR")
    p.add_argument("--stdin", metavar="FILE", default=os.devnull)
    p.add_argument("--kernel-words", default="")
    p.add_argument("harness", nargs=argparse.REMAINDER)
    a = p.parse_args()
    harness = a.harness[1:] if a.harness[:1] == ["--"] else a.harness
    if not harness:
        sys.exit("compare.py: no harness command after --")
    if any('"' in arg for arg in a.arg):
        sys.exit("compare.py: --arg: the kernel command line cannot pass a double quote")
    lines, status = host_output(os.path.abspath(a.host_program), a.program, a.arg,
                                a.host_cwd, os.path.abspath(a.stdin))
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
    if a.arg:
        words = words.strip() + " --" + "".join(' "%s"' % arg for arg in a.arg)
    cmd = [sys.executable] + harness + ["--append", words.strip(), "--stdin", a.stdin] + expects
    sys.exit(subprocess.run(cmd).returncode)


if __name__ == "__main__":
    main()
