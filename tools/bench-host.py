#!/usr/bin/env python3
"""Host allocator figures with valgrind --tool=callgrind.

Runs tests/bench/bench_mm under callgrind, collecting only inside its op_*
functions, and prints one line per operation, as the kernel's `bench` flag
does: "bench <name>: <n> instructions" (instructions per call, averaged
over the WARM_UP + OP_CALLS calls), net of `calling_code` (the same calls
into functions that do nothing), and "bench <name>_with_calling_code: <n>
instructions" (the op's inclusive cost), as the kernel's figures are.

usage: bench-host.py BENCH_MM_BINARY [--out DIR]
"""
import os
import re
import subprocess
import sys
import tempfile

CALLS_PER_OP = 1000 + 64   # OP_CALLS + WARM_UP in tests/bench/bench_mm.c


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__.strip())
    binary = argv[1]
    out_dir = tempfile.mkdtemp(prefix="tessera-callgrind-")
    out = os.path.join(out_dir, "callgrind.out")
    run = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=op_*",
                          "--callgrind-out-file=" + out, binary],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if run.returncode != 0:
        sys.stdout.write(run.stdout.decode(errors="replace"))
        sys.exit("bench-host: %s failed under callgrind" % binary)
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    figures = {}
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?\S*:op_(\w+)\b", line)
        if m:
            figures[m.group(2)] = int(m.group(1).replace(",", "")) / CALLS_PER_OP
    # As in the kernel: alloc+free figures are net of the calling code.
    calls = figures.pop("calling_code", 0)
    if figures:
        print("bench calling_code: %d instructions" % round(calls))
    for name, per_call in sorted(figures.items()):
        print("bench %s: %d instructions" % (name, round(per_call - calls)))
        print("bench %s_with_calling_code: %d instructions" % (name, round(per_call)))
    if not figures:
        sys.stdout.write(ann)
        sys.exit("bench-host: no op_* functions in the callgrind profile")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
