#!/usr/bin/env python3
"""The memory shell's levers (alloc, free, kmalloc, kfree, stress, limit), TAP.

usage: test_mmsh_levers.py TOOLS_BOOT

tools/boot on a terminal (a pty); each line is typed at the next prompt,
some made from what the last command printed (an address), and each
answer is checked against another view of the same memory:
  - alloc 3 prints a block's address; frame of it: an allocated order-3
    block there with one reference; free gives 8 pages back, and frame of
    it then: free;
  - kmalloc 100 prints a kernel address; frame of it: a slab page of
    kmalloc-128 (the smallest size class that holds 100 bytes); kfree
    gives it back, and a second kfree is refused in one line; kmalloc
    5000: a big kmalloc, an order-1 block (two pages hold 5000 bytes);
  - stress buddy 300: nothing refused, and the free pages after are the
    free pages before (every block given back), the lowest below them;
    stress slab 50: one cache's objects in use grow by 50 and come back;
    stress faults 30: 30 faults served by the pager;
  - wrong uses get one line each: an order past 9, a zone that is not one,
    a limit of 0, a task of no pager of ours;
  - exit 0 powers off: what the shell held is given back as it ends.
On virt (128 MiB), in 8 MiB and on sifive_u.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from qemu.tools_boot import on_terminal  # noqa: E402


def last(pattern, text):
    """The last match of pattern in text, or None."""
    found = list(re.finditer(pattern, text))
    return found[-1] if found else None


def session(steps):
    """A respond() typing steps[i] at the i+1-th prompt; a step may be a
    function of the console so far, returning the line."""
    state = {"typed": 0}

    def respond(out):
        text = out.decode("utf-8", "replace")
        if state["typed"] >= len(steps) or text.count("mmsh> ") <= state["typed"]:
            return None
        step = steps[state["typed"]]
        state["typed"] += 1
        line = step(text) if callable(step) else step
        return line.encode() + b"\r"
    return respond


def addr(pattern):
    return lambda text: (last(pattern, text).group(1) if last(pattern, text) else "0x1")


def main():
    tools_boot = sys.argv[1]
    tap = Tap("mmsh levers")
    steps = [
        "alloc 3",
        lambda t: "frame " + addr(r"alloc: order 3 \(8 pages\) at (0x[0-9a-f]+)")(t),
        lambda t: "free " + addr(r"alloc: order 3 \(8 pages\) at (0x[0-9a-f]+)")(t),
        lambda t: "frame " + addr(r"alloc: order 3 \(8 pages\) at (0x[0-9a-f]+)")(t),
        "kmalloc 100",
        lambda t: "frame " + addr(r"kmalloc: 100 bytes at (0x[0-9a-f]+)")(t),
        lambda t: "kfree " + addr(r"kmalloc: 100 bytes at (0x[0-9a-f]+)")(t),
        lambda t: "kfree " + addr(r"kmalloc: 100 bytes at (0x[0-9a-f]+)")(t),
        "kmalloc 5000",
        lambda t: "frame " + addr(r"kmalloc: 5000 bytes at (0x[0-9a-f]+)")(t),
        "stress buddy 300",
        "stress slab 50",
        "stress faults 30",
        "alloc 10", "alloc 2 HIGHMEM", "limit init 5", "limit mmsh 0",
        "exit 0",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for what, opts in (("virt", []), ("virt 8 MiB", ["-m", "8M"]),
                           ("sifive_u", ["-M", "sifive_u"])):
            rc, text = on_terminal([tools_boot] + opts, tmp, session(steps))
            text = text.replace("\r", "")
            tap.check(rc == 0 and "run: mmsh exited with 0" in text,
                      "%s: the session ran to exit 0" % what, "exit %d\n%s" % (rc, text[-2000:]))
            a = last(r"alloc: order 3 \(8 pages\) at (0x[0-9a-f]+)", text)
            pa = a.group(1) if a else "?"
            tap.check(a and re.search(r"frame %s: zone \w+, allocated, in the order-3 block at "
                                      r"%s \(8 pages\), 1 reference" % (pa, pa), text),
                      "%s: frame of alloc 3's block: an allocated order-3 block there" % what)
            tap.check(("free: %s, 8 pages back" % pa) in text and
                      re.search(r"frame %s: zone \w+, free" % pa, text),
                      "%s: free gives 8 pages back, and the frame is free" % what)
            k = last(r"kmalloc: 100 bytes at (0x[0-9a-f]+)", text)
            tap.check(k and re.search(r"frame 0x[0-9a-f]+: zone \w+, a slab page, in the "
                                      r"order-\d+ block at 0x[0-9a-f]+ \(\d+ pages\) of cache "
                                      r"kmalloc-128, ", text),
                      "%s: frame of kmalloc 100's address: a slab page of kmalloc-128" % what)
            tap.check(k and ("kfree: %s" % k.group(1)) in text and
                      ("mmsh: kfree: %s is no block the shell kmalloc'd" % k.group(1)) in text,
                      "%s: kfree gives it back; a second kfree is refused in one line" % what)
            tap.check(re.search(r"a big kmalloc, in the order-1 block at 0x[0-9a-f]+ \(2 pages\)",
                                text),
                      "%s: frame of kmalloc 5000: a big kmalloc, an order-1 block" % what)
            b = re.search(r"stress buddy: 300 blocks of orders 0-5 \((\d+) pages\), at most 24 at "
                          r"once, 0 refused; free pages (\d+), at the lowest (\d+), after (\d+); "
                          r"merges: (\d+)", text)
            tap.check(b and b.group(2) == b.group(4) and int(b.group(3)) < int(b.group(2)),
                      "%s: stress buddy 300: nothing refused, every page back, the lowest "
                      "below" % what, b.group(0) if b else text[-1500:])
            sl = re.search(r"stress slab: 50 endpoints made; cache (\S+) \(\d+-byte objects\) "
                           r"in use (\d+) -> (\d+) -> (\d+)", text)
            tap.check(sl and int(sl.group(3)) == int(sl.group(2)) + 50 and
                      sl.group(2) == sl.group(4),
                      "%s: stress slab 50: one cache's objects +50, then back" % what,
                      sl.group(0) if sl else "")
            tap.check("stress faults: 30 pages touched: 30 faults served by the pager; "
                      "unmapped again" in text, "%s: stress faults 30: 30 faults" % what)
            for line, why in (("mmsh: alloc: '10' is not an order from 0 to 9", "an order past 9"),
                              ("mmsh: alloc: 'HIGHMEM' is not DMA or DMA32", "a zone not one"),
                              ("mmsh: limit: task 1 (init) is not a client of the shell's pager",
                               "a task of no pager of ours"),
                              ("mmsh: limit: '0' is not a number of pages from 1 to 8192",
                               "a limit of 0")):
                tap.check(line in text, "%s: one line for %s" % (what, why))
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
