#!/usr/bin/env python3
"""tools/boot --run PROG: TAP.

usage: test_boot_run.py TOOLS_BOOT TESSERA_CC HELLO_C NULL_DEREF_C DATA_FILE ARGS_C
                        MMAP_FILE_C MMAP_DATA

Builds hello.c, null_deref.c and args.c with tools/tessera-cc at test time, as anyone
would, and runs them with tools/boot --run: hello's own output, its run:
line and tools/boot's exit status 3 (hello returns 3), also on 4 harts
and in 12 and 8 MiB (tools/qemu-initrd places it there), with --sv39 trees made
for -m 8M and -s 2; --file adds a file
to the initrd, and mmap_file.c opens and maps the one --file gives it; a null dereference ends with 128 + 18 (EXIT_NOT_USER_MEMORY,
include/tessera/syscall.h) and the reason named; a file that is not an ELF
gives 126 and the pager's one line with the reason, and so do hello
for the wrong machine and hello cut short; args given arguments (blanks
and an empty one among them) prints exactly its argv and exits with its
last; the issue's command, tools/tessera-cc hello.c -o hello && tools/boot
--run hello world, as a shell runs it; arguments the kernel cannot pass (a
double quote, 64 of them, 2049 bytes) refused in one line with nothing
booted; a program that never ends is stopped by --timeout (exit 124).

Under --icount a second line says what the run cost (user/init/cost.c):
its exact form; its fault kinds add up to the pager's count of all faults;
the resident peak is at most the pages the kinds that charge a page
brought in; and a loop of exactly two instructions an iteration (inline
assembly), built with two iteration counts, differs in the program's
instructions by the loop's cost, which the source fixes, not the code
under test.  Without --icount there is no such line.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile



sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from qemu.tools_boot import TIMEOUT, boot  # noqa: E402


def run(cmd, cwd):
    """tools/boot cmd in cwd, stdin empty: (exit status, stdout lines, stderr lines)."""
    return boot(cmd, cwd)


COST = re.compile(
    r"^run: (\S+) instructions: program (\d+), pager (\d+), kernel (\d+); faults: "
    r"zero-fill (\d+), file (\d+), COW (\d+), file-copy (\d+), COW-regain (\d+), "
    r"mapped-again (\d+), refused (\d+), in all (\d+), fault-around saved (\d+); "
    r"resident peak (\d+) pages$")

# Two instructions an iteration, by construction; the count is data (the
# same code for every count), at least 1.
LOOP_C = r"""
#include <stdio.h>
static volatile unsigned long iterations = ITERATIONS;
int main(void)
{
	unsigned long n = iterations;
	__asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
	printf("loop: %lu iterations\n", iterations);
	return 0;
}
"""
LOOP_SHORT = 1000000
LOOP_LONG = 2000000
# Each trap counts 11 instructions of trap.S as the program's (the 4 before
# user mode ends, the 7 after it starts: arch/riscv/trap.S).  The longer run
# takes at most a few more ticks (one per 10 ms, 10 million instructions
# under -icount shift=0); and either run may take a few interrupts more, from
# the console's input (stdin is not a terminal here: tools/boot types two
# Ctrl-D once the kernel is up, and they arrive by host timing).  So the
# difference may be off the loop's by that many trap entries, either way.
TRAP_SLACK = 3 * 11
# What the short run's program does besides its loop: start-up, one printf, exit.
LOOP_OVERHEAD_MAX = 50000


def cost_lines(out):
    return [line for line in out if re.match(r"^run: \S+ instructions:", line)]


def check_cost(tap, what, out, name):
    """The cost line's form and sums; returns its numbers or None."""
    lines = cost_lines(out)
    m = COST.match(lines[0]) if len(lines) == 1 else None
    tap.check(m is not None and m.group(1) == name,
              "%s --icount: one cost line of the right form" % what, repr(lines))
    if not m:
        return None
    n = dict(zip(["U", "P", "K", "zero", "file", "cow", "copy", "regain", "again",
                  "refused", "all", "around", "peak"], map(int, m.groups()[1:])))
    kinds = (n["zero"] + n["file"] + n["cow"] + n["copy"] + n["regain"] + n["again"]
             + n["refused"])
    tap.check(kinds == n["all"], "%s: the fault kinds add up to the pager's count of all"
              % what, "%d by kind, %d in all" % (kinds, n["all"]))
    tap.check(n["peak"] <= n["zero"] + n["copy"] + n["cow"],
              "%s: the resident peak is at most the pages faults brought in" % what,
              "peak %d" % n["peak"])
    tap.check(n["U"] > 0 and n["P"] > 0 and n["K"] > 0, "%s: every count is counted" % what,
              repr(n))
    return n


def check_loop(tap, boot, cc, tmp):
    """The loop's cost is the difference of two runs' program instructions."""
    with open(os.path.join(tmp, "loop.c"), "w") as f:
        f.write(LOOP_C)
    users = []
    for iterations in (LOOP_SHORT, LOOP_LONG):
        d = os.path.join(tmp, "loop-%d" % iterations)
        os.mkdir(d)
        p = subprocess.run([cc, "-O2", "-DITERATIONS=%dul" % iterations,
                            os.path.join(tmp, "loop.c"), "-o", "loop"], cwd=d)
        tap.check(p.returncode == 0, "tessera-cc loop.c, %d iterations" % iterations)
        rc, out, err = run([boot, "--icount", "--run", "loop"], d)
        tap.check(rc == 0 and "run: loop exited with 0" in out,
                  "loop of %d: exit 0 and the run: line" % iterations, "exit %d" % rc)
        n = check_cost(tap, "loop of %d" % iterations, out, "loop")
        users.append(n["U"] if n else None)
    if None in users:
        tap.check(False, "loop: both runs counted", repr(users))
        return
    short, long = users
    tap.check(2 * LOOP_SHORT <= short <= 2 * LOOP_SHORT + LOOP_OVERHEAD_MAX,
              "loop of %d: the program's instructions are its loop's 2 x %d and at most "
              "%d more" % (LOOP_SHORT, LOOP_SHORT, LOOP_OVERHEAD_MAX), "program %d" % short)
    want = 2 * (LOOP_LONG - LOOP_SHORT)
    tap.check(abs(long - short - want) <= TRAP_SLACK,
              "loop: twice the iterations cost the loop's %d instructions more (give or "
              "take %d of trap entries)" % (want, TRAP_SLACK), "%d - %d = %d" % (long, short,
                                                                        long - short))


def main():
    boot, cc, hello_c, null_c, data, args_c, mmap_c, mmap_data = sys.argv[1:9]
    tap = Tap("boot --run test")
    with tempfile.TemporaryDirectory() as tmp:
        for src, out in ((hello_c, "hello"), (null_c, "nd"), (args_c, "args"),
                         (mmap_c, "mmap-file")):
            p = subprocess.run([cc, src, "-o", out], cwd=tmp)
            tap.check(p.returncode == 0, "tessera-cc %s -o %s" % (os.path.basename(src), out))

        rc, out, err = run([boot, "--file", data, "--run", "hello"], tmp)
        tap.check(rc == 3, "hello: tools/boot exits with hello's status 3", "exit %d" % rc)
        tap.check("hello, world: argc 1, argv[argc] NULL" in out, "hello: its own output")
        tap.check("bye" in out, "hello: its last line")
        tap.check("run: hello exited with 3" in out, "hello: the run: line")
        tap.check("initrd file: %s 14" % os.path.basename(data) in out,
                  "--file: the file is in the initrd")
        tap.check("initrd: file hello replaces the built-in program of that name" in out,
                  "hello: the initrd's hello, not the built-in one")
        tap.check(cost_lines(out) == [], "hello without --icount: no cost line",
                  repr(cost_lines(out)))

        rc, out, err = run([boot, "--file", mmap_data, "--run", "mmap-file"], tmp)
        tap.check(rc == 0 and "mmap-file: 0 failures" in out
                  and "run: mmap-file exited with 0" in out,
                  "mmap-file --file %s: every check passes, exit 0" % os.path.basename(mmap_data),
                  "exit %d, %r" % (rc, [line for line in out if "failure" in line]))
        tap.check("mmap private: written \"Xine\"..'!'; the shared mapping \"line\", the file "
                  "\"line\"" in out, "mmap-file: the --file file mapped, its private copy written")

        rc, out, err = run([boot, "--icount", "--run", "hello"], tmp)
        tap.check(rc == 3 and "run: hello exited with 3" in out,
                  "hello --icount: exit 3 and the run: line", "exit %d" % rc)
        check_cost(tap, "hello", out, "hello")
        ends = [i for i, line in enumerate(out) if line.startswith("run: hello ")]
        tap.check(len(ends) == 2 and out[ends[0]] == "run: hello exited with 3",
                  "hello --icount: the cost line follows the run: line", repr(ends))
        check_loop(tap, boot, cc, tmp)

        # In 8 MiB QEMU 7.2 would load the initrd where the tree goes: tools/boot
        # puts it after the kernel instead (tools/qemu-initrd).  --sv39 makes
        # the tree for the -m and -s given.
        for opts in (["-s", "4"], ["-m", "12M"], ["-m", "8M"], ["-m", "8M", "--sv39"],
                     ["-s", "2", "--sv39"]):
            rc, out, err = run([boot] + opts + ["--run", "hello"], tmp)
            tap.check(rc == 3 and "run: hello exited with 3" in out,
                      "hello with %s: exit 3 and the run: line" % " ".join(opts), "exit %d" % rc)
            if "--sv39" in opts:
                tap.check("paging: sv39" in out and ("harts: %s" % (opts[1] if opts[0] == "-s" else "1")) in out,
                          "--sv39 %s: the tree says Sv39 for every hart" % " ".join(opts))
            if "8M" in opts:
                tap.check("memory: 0x80000000-0x80800000" in out,
                          "-m 8M: the tree describes 8 MiB (%s)" % " ".join(opts))

        rc, out, err = run([boot, "--run", "nd"], tmp)
        tap.check(rc == 128 + 18, "null dereference: exit 128 + 18 (EXIT_NOT_USER_MEMORY)",
                  "exit %d" % rc)
        tap.check("run: nd was ended: EXIT_NOT_USER_MEMORY" in out,
                  "null dereference: the run: line names the reason")
        tap.check("tools/boot: --run: nd was ended by the kernel: EXIT_NOT_USER_MEMORY "
                  "(exit status 128 + 18)" in err, "null dereference: tools/boot's line",
                  repr(err))

        garbage = os.path.join(tmp, "garbage")
        with open(garbage, "wb") as f:
            f.write(b"this is not an ELF file\n" * 100)
        rc, out, err = run([boot, "--run", garbage], tmp)
        tap.check(rc == 126, "garbage: exit 126", "exit %d" % rc)
        starts = [line for line in out if line.startswith("pager: cannot start garbage: ")]
        tap.check(starts == ["pager: cannot start garbage: not an ELF file (it does not "
                             "start with 0x7f 'E' 'L' 'F')"],
                  "garbage: one pager line with the reason", repr(starts))
        tap.check("run: garbage could not be started" in out, "garbage: the run: line")
        tap.check(err[-1:] == ["tools/boot: --run: garbage could not be started "
                               "(the pager's line above says why)"],
                  "garbage: tools/boot's line", repr(err))

        # hello with e_machine 62 (x86-64), and hello cut to 10000 bytes.
        with open(os.path.join(tmp, "hello"), "rb") as f:
            elf = f.read()
        broken = {"x86": (elf[:18] + (62).to_bytes(2, "little") + elf[20:],
                          "not for RISC-V (e_machine is not 243, EM_RISCV)"),
                  "cut": (elf[:10000],
                          "truncated: a segment's bytes run past the end of the file")}
        for name, (data, why) in broken.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
            rc, out, err = run([boot, "--run", name], tmp)
            tap.check(rc == 126, "%s: exit 126" % name, "exit %d" % rc)
            starts = [line for line in out if line.startswith("pager: cannot start ")]
            tap.check(starts == ["pager: cannot start %s: %s" % (name, why)],
                      "%s: the pager's line names the reason" % name, repr(starts))

        # A program that never ends: --timeout stops QEMU, exit 124, one line.
        with open(os.path.join(tmp, "spin.c"), "w") as f:
            f.write("int main(void) { for (;;) { } }\n")
        p = subprocess.run([cc, "spin.c", "-o", "spin"], cwd=tmp)
        tap.check(p.returncode == 0, "tessera-cc spin.c -o spin")
        rc, out, err = run([boot, "--timeout", "5", "--run", "spin"], tmp)
        tap.check(rc == 124, "spin: --timeout 5 ends it with exit 124", "exit %d" % rc)
        tap.check(err[-1:] == ["tools/boot: --run: no run: line from spin after 5 s: QEMU stopped"],
                  "spin: tools/boot's line", repr(err))

        # Arguments: argv exactly as given, and the last one is the status.
        rc, out, err = run([boot, "--run", "args", "a", "b c", "", "  x\ty  ", "7"], tmp)
        want = ['argc 6', 'argv[0] "args" (4 bytes)', 'argv[1] "a" (1 bytes)',
                'argv[2] "b c" (3 bytes)', 'argv[3] "" (0 bytes)',
                'argv[4] "  x\ty  " (7 bytes)', 'argv[5] "7" (1 bytes)', 'argv[argc] NULL',
                'envp ends after 0 strings; environ is envp',
                'getenv("ARGS_GREETING") NULL, as the search of envp']
        first = out.index(want[0]) if want[0] in out else -1
        tap.check(first >= 0 and out[first:first + len(want)] == want,
                  "args a 'b c' '' '  x<tab>y  ' 7: argv exactly, in order",
                  repr(out[first:first + len(want)] if first >= 0 else out[-20:]))
        tap.check(rc == 7 and "run: args exited with 7" in out,
                  "args ... 7: the run: line, and tools/boot exits 7", "exit %d" % rc)

        # The command, as a shell runs it.
        shutil.copy(hello_c, os.path.join(tmp, "hello.c"))
        p = subprocess.run(["bash", "-c", "%s hello.c -o hello && %s --run hello world"
                            % (cc, boot)], cwd=tmp, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT,
                           env=dict(os.environ, TESSERA_BOOT_NO_SETUP="1"))
        out = p.stdout.decode(errors="replace").replace("\r", "").splitlines()
        tap.check(p.returncode == 3, "tessera-cc hello.c -o hello && tools/boot --run hello "
                  "world: exit 3", "exit %d" % p.returncode)
        tap.check("hello, world: argc 2, argv[argc] NULL" in out and
                  "run: hello exited with 3" in out,
                  "hello world: its output with argc 2, and the run: line")

        too_many = ["a"] * 64
        too_long = ["x" * 2043]     # with "args": 5 + 2044 bytes, each with its NUL
        refusals = (
            (["say \"hi\""], "tools/boot: --run: the argument 'say \"hi\"' holds a double "
             "quote, which the kernel command line cannot pass"),
            (too_many, "tools/boot: --run: 64 arguments, more than the kernel passes (63)"),
            (too_long, "tools/boot: --run: args and its arguments take 2049 bytes with a NUL "
             "each, more than the kernel passes (2048)"),
        )
        for args, line in refusals:
            rc, out, err = run([boot, "--run", "args"] + args, tmp)
            tap.check(rc == 2 and err == [line], "refused in one line: %s" % line[19:60],
                      "exit %d, %r" % (rc, err))
            tap.check(not any(re.match(r"^run: ", o) for o in out), "  and nothing booted")
        # One byte less than the last: the largest the kernel takes, passed whole.
        rc, out, err = run([boot, "--run", "args", too_long[0][1:]], tmp)
        tap.check(rc == 0 and 'argv[1] "%s" (2042 bytes)' % too_long[0][1:] in out,
                  "2048 bytes of name and arguments: passed whole", "exit %d" % rc)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
