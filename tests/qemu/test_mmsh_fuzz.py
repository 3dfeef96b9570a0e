#!/usr/bin/env python3
"""The memory shell fed 10,000 random lines through the console, TAP.

usage: test_mmsh_fuzz.py TOOLS_BOOT [SEED]

tools/boot --shell reads a file of lines (seeded, so a failure can be run
again): every command with random words and numbers at the boundaries
(0, 1, 2^32, 2^64 - 1, 2^64, -1, a bare 0x, 40 hex digits), words of random
bytes (control bytes, backspace, DEL, Ctrl-U and CR inside a line, bytes
above 0x7f), lines of 4 KiB and more, half-typed escape sequences (the
arrow keys' ESC [ A...), empty lines and lines of ';' alone.  Not Ctrl-D
(0x04), which ends the console's input, nor `exit`.

It first runs every command once (a warm-up: every page of the shell's
code it will need is mapped), then `zones`, the fuzz, and `zones` again.
Checks: the shell ran every line to the end of input and exited with the
last command's status (`zones`: 0); the kernel halted cleanly; no line
tells of a panic, a trap, a kill or a refused fault; and memory is back to
its baseline: each zone's free pages (lists and hart caches) are what
they were before the fuzz, to the page.
"""
import os
import random
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from qemu.tools_boot import boot  # noqa: E402

LINES = 10000
COMMANDS = ["help", "zones", "buddy", "slab", "frame"]
NUMBERS = ["0", "1", "4294967296", "18446744073709551615", "18446744073709551616", "-1",
           "0x", "0x" + "f" * 40, "0x80000000", "0x80200000", "0xffffffffffffffff",
           "DMA", "dma32", "NORMAL", "HIGHMEM", ""]
WARM_UP = ["help", "help zones", "help nothing", "zones", "zones x", "buddy", "buddy DMA32",
           "buddy x", "buddy a b", "slab", "slab x", "frame", "frame 0", "frame 0x80000000",
           "frame x", "nothing", "a;b;;c", "z" * 300]
ZONE = re.compile(r"zone (\w+): 0x[0-9a-f]+-0x[0-9a-f]+, \d+ pages present, \d+ managed, "
                  r"(\d+) free, (\d+) in hart caches$")
BAD = re.compile(r"panic|trap|killed|refuses the fault|bug|EXIT_|halting \(failure\)")


def random_word(rnd):
    kind = rnd.randrange(4)
    if kind == 0:
        return rnd.choice(NUMBERS)
    if kind == 1:
        return rnd.choice(COMMANDS)
    # Any byte but Ctrl-D and the newline, which ends the line early.
    data = bytes(rnd.choice([b for b in range(256) if b not in (0x04, 0x0a)])
                 for _ in range(rnd.randrange(1, 12)))
    return data.decode("latin-1")


def random_line(rnd):
    kind = rnd.randrange(20)
    if kind == 0:
        return "z" * rnd.randrange(4000, 5000)
    if kind == 1:
        return "\x1b[" + rnd.choice("ABCD") + rnd.choice(["", "zones", "\x1b["])
    if kind == 2:
        return rnd.choice(["", ";", ";;;", " ; ; "])
    words = [rnd.choice(COMMANDS) if rnd.randrange(3) else random_word(rnd)]
    words += [random_word(rnd) for _ in range(rnd.randrange(4))]
    line = " ".join(words)
    return "" if line.lstrip().startswith("exit") else line


def free_by_zone(lines):
    """[{zone: free + cached}] for each `zones` run, in order."""
    runs, current = [], None
    for line in lines:
        m = ZONE.search(line)
        if line.endswith("zone DMA: empty") or (m and m.group(1) == "DMA"):
            current = {}
            runs.append(current)
        if m and current is not None:
            current[m.group(1)] = int(m.group(2)) + int(m.group(3))
    return runs


def main():
    tools_boot = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0x6d6d7368
    rnd = random.Random(seed)
    tap = Tap("mmsh fuzz")
    fuzz = [random_line(rnd) for _ in range(LINES)]
    script = WARM_UP + ["zones"] + fuzz + ["zones"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lines")
        with open(path, "wb") as f:
            f.write(("\n".join(script) + "\n").encode("latin-1"))
        with open(path, "rb") as f:
            rc, out, err = boot([tools_boot, "--shell", "--timeout", "600"], tmp, f,
                                timeout=900)
    tap.check(rc == 0 and "run: mmsh exited with 0" in out,
              "%d random lines (seed %#x): the shell read to the end of its input and "
              "exited with 0, its last command's status" % (LINES, seed),
              "exit %d\n%s\n%s" % (rc, "\n".join(out[-10:]), "\n".join(err)))
    tap.check(any(line.startswith("tessera: halting (success)") for line in out),
              "the kernel halted cleanly after it")
    bad = [line for line in out if BAD.search(line)]
    tap.check(not bad, "no panic, trap, kill or refused fault", repr(bad[:5]))
    runs = free_by_zone(out)
    tap.check(len(runs) >= 3 and runs[-2] and runs[-2] == runs[-1],
              "memory back to its baseline: each zone's free pages before and after the fuzz",
              "runs %r" % runs[-3:])
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
