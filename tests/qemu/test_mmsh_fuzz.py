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

Every command is fuzzed but `snapshot` (its 100 KB each time would drown
the run; it is in the warm-up) and `exit`; the levers' counts come from
the numbers, so `alloc 1` and `kmalloc 1` happen and are given back at the
end (`free all`, `kfree all`), while `stress` and `trace` never get the
words that start them.  It first runs every command once (a warm-up:
every page of the shell's code it will need is mapped, the kmalloc lever's
table made), then `zones`, the fuzz, the clean-up, and `zones` again.
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
# Every command but snapshot (100 KB each: in the warm-up only) and exit.
COMMANDS = ["help", "zones", "buddy", "slab", "frame", "vmalloc", "tasks", "maps", "pt", "trace",
            "run", "wait", "kill", "alloc", "free", "kmalloc", "kfree", "limit", "stress",
            "sleep", "slabdebug"]
NUMBERS = ["0", "1", "4294967296", "18446744073709551615", "18446744073709551616", "-1",
           "0x", "0x" + "f" * 40, "0x80000000", "0x80200000", "0xffffffffffffffff",
           "DMA", "dma32", "NORMAL", "HIGHMEM", ""]
WARM_UP = ["help", "help zones", "help nothing", "zones", "zones x", "buddy", "buddy DMA32",
           "buddy x", "buddy a b", "slab", "slab x", "frame", "frame 0", "frame 0x80000000",
           "frame x", "nothing", "a;b;;c", "z" * 300, "vmalloc", "tasks", "maps 1", "maps 3",
           "pt 3", "pt 3 0x10000", "pt x", "trace faults on", "trace faults off", "trace x",
           "run demo", "run nosuch", "wait", "kill 1", "alloc 0", "free all", "free 1",
           "kmalloc 8", "kfree all", "kfree 1", "limit 1 1", "stress buddy 10", "stress slab 10",
           "stress faults 10", "stress x", "sleep 1", "snapshot", "snapshot x", "slab kmalloc-8",
           "slabdebug double-free", "slabdebug x"]
# What the fuzz may have left held, given back before the last look.
CLEAN_UP = ["free all", "kfree all", "trace faults off"]
ZONE = re.compile(r"zone (\w+): 0x[0-9a-f]+-0x[0-9a-f]+, \d+ pages present, \d+ managed, "
                  r"(\d+) free, (\d+) in hart caches$")
BAD = re.compile(r"panic|trap|killed|refuses the fault|pager: bug|EXIT_(?!NORMAL)|halting \(failure\)")


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
    # `help snapshot` marks the two looks (the fuzz never says "snapshot").
    script = WARM_UP + ["help snapshot", "zones"] + fuzz + CLEAN_UP + ["help snapshot", "zones"]
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
    marks = [i for i, line in enumerate(out) if line.endswith("snapshot")]
    looks = [free_by_zone(out[i:i + 12]) for i in marks[-2:]]
    tap.check(len(marks) >= 2 and all(looks) and looks[0][0] and looks[0][0] == looks[1][0],
              "memory back to its baseline: each zone's free pages before and after the fuzz",
              "looks %r" % looks)
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
