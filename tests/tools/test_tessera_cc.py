#!/usr/bin/env python3
"""tools/tessera-cc used like gcc: TAP.

usage: test_tessera_cc.py TESSERA_CC BUILD_DIR READELF NM

Compiles two sources separately (-c, -O2, -D, -I), links them with -lm,
and reads the result: a RISC-V executable entered at _start, linked at
0x10000 with one segment per permission (R X, R, R W) as the pager wants.
The runtime's headers: <sys/mman.h> and the POSIX clocks of <time.h>
(which picolibc leaves out) compile with -Werror, and a program that uses
neither has none of their code (--gc-sections).  Then the errors: gcc's
own for a broken source, and one line naming what to run when the build
directory has no runtime.
"""
import os
import re
import subprocess
import sys
import tempfile

MAIN_C = """#include <stdio.h>
#include "twice.h"
int main(int argc, char **argv) { (void)argv; printf(GREETING " %d\\n", twice(argc)); return 0; }
"""
TWICE_H = "int twice(int x);\n"
POSIX_C = """#include <sys/mman.h>
#include <time.h>
int main(void)
{
	struct timespec ts = { 0, 1000 };
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	nanosleep(&ts, NULL);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return p == MAP_FAILED || munmap(p, 4096) || mprotect(p, 0, PROT_NONE);
}
"""
TWICE_C = """#include <math.h>
#include "twice.h"
/* cbrt, not sqrt: with the F/D extensions gcc makes sqrt one fsqrt.d, no call */
int twice(int x) { return (int)lround(cbrt(8.0 * x * x * x)); }
"""


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402


def run(cmd, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main(cc, build, readelf, nm):
    tap = Tap("tessera-cc test")
    env = dict(os.environ, TESSERA_BUILD=build)
    with tempfile.TemporaryDirectory() as tmp:
        inc = os.path.join(tmp, "inc")
        os.mkdir(inc)
        files = {"main.c": MAIN_C, "inc/twice.h": TWICE_H, "twice.c": TWICE_C,
                 "posix.c": POSIX_C,
                 "broken.c": "int main(void) { return }\n"}
        for name, text in files.items():
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        p = lambda name: os.path.join(tmp, name)
        st, out, err = run([cc, "--help"])
        tap.check(st == 0 and "tools/tessera-cc" in out, "--help prints the usage", err)
        st, _, err = run([cc, "-c", "-O2", "-DGREETING=\"twice\"", "-I", inc, p("main.c"),
                          "-o", p("main.o")], env)
        tap.check(st == 0 and os.path.exists(p("main.o")), "-c -O2 -D -I makes an object", err)
        st, _, err = run([cc, "-c", "-I" + inc, p("twice.c"), "-o", p("twice.o")], env)
        tap.check(st == 0, "a second object", err)
        st, _, err = run([cc, p("main.o"), p("twice.o"), "-lm", "-o", p("prog")], env)
        tap.check(st == 0, "objects and -lm link", err)
        _, hdr, _ = run([readelf, "-hlW", p("prog")])
        _, syms, _ = run([nm, p("prog")])
        entry = re.search(r"Entry point address:\s+0x([0-9a-f]+)", hdr)
        start = re.search(r"^([0-9a-f]+) T _start$", syms, re.M)
        tap.check("RISC-V" in hdr and "EXEC" in hdr, "a RISC-V executable", hdr)
        tap.check(bool(entry and start and int(entry.group(1), 16) == int(start.group(1), 16)
                       == 0x10000), "entered at _start, at 0x10000", hdr)
        loads = re.findall(r"^\s+LOAD\s+\S+\s+(0x[0-9a-f]+)\s+\S+\s+\S+\s+\S+\s+(R E|R|RW )\s",
                           hdr, re.M)
        tap.check([f for _, f in loads] == ["R E", "R", "RW "] and
                  all(int(va, 16) % 4096 == 0 for va, _ in loads),
                  "three page-aligned segments: R X, R, R W", hdr)
        tap.check(re.search(r"^[0-9a-f]+ T cbrt$", syms, re.M) is not None,
                  "-lm brought in picolibc's cbrt", syms[:400])
        tap.check(re.search(r" T (mmap|clock_gettime|open)$", syms, re.M) is None,
                  "no mmap, clock_gettime or open in a program that calls none of them",
                  syms[:400])
        st, _, err = run([cc, "-Wall", "-Wextra", "-Werror", p("posix.c"), "-o", p("posix")],
                         env)
        _, syms, _ = run([nm, p("posix")])
        tap.check(st == 0 and all(re.search(r"^[0-9a-f]+ T %s$" % f, syms, re.M)
                                  for f in ("mmap", "munmap", "mprotect", "clock_gettime",
                                            "nanosleep")),
                  "<sys/mman.h> and <time.h>'s clocks compile and link the runtime's", err)
        st, _, err = run([cc, "-c", p("broken.c"), "-o", p("broken.o")], env)
        tap.check(st != 0 and re.search(r"broken\.c:1:\d+: error:", err) is not None,
                  "a broken source fails with gcc's own error", err)
        empty = os.path.join(tmp, "nobuild")
        os.mkdir(empty)
        st, out, err = run([cc, p("main.c"), "-o", p("x")], dict(os.environ, TESSERA_BUILD=empty))
        tap.check(st == 1 and out == "" and err.count("\n") == 1 and
                  "no Tessera build in %s (run tools/setup" % empty in err,
                  "no build: one line that says to run tools/setup", err)
    return tap.done()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip())
    sys.exit(main(*sys.argv[1:]))
