#!/usr/bin/env python3
"""tools/boot --cmd: the memory shell's commands, TAP.

usage: test_mmsh.py TOOLS_BOOT MMSH_ELF

Each answer is checked against facts known another way:
  - zones: each zone's span and present pages are the boot report's
    `zone NAME: START-END N pages, ...` line (the kernel's own count at
    boot, from the device tree); free + cached <= managed <= present;
  - buddy: in each zone, every row's pages are its blocks << order, the
    pages add up to the free pages the header says (the kernel's counter,
    not the lists), and each order's unusable index is recomputed here
    from the blocks;
  - slab: "N caches" is the number of rows, and no cache has more objects
    in use than in all;
  - vmalloc: the areas add up to the header's count and pages, each in the
    window with its guard page below;
  - frame: RAM's first page is the firmware's (reserved), 0 is no RAM;
  - one line for an unknown command, `help CMD`, and tools/boot's exit
    status the last command's (exit 7);
  - "zones; run demo; maps demo": demo's regions as they were when it
    ended, the pages charged to them those demo itself reported;
on virt with 1 and 4 harts (a cache line per hart), and on sifive_u.
The right is init's to give: the same shell run by --run under another
name is refused (ERR_DENIED named, status 1).  What tools/boot refuses:
words after --cmd's string, an empty string, --cmd with --run or --shell,
kernel words with --shell.  On a terminal (a pty), plain tools/boot opens
the shell: lines typed at each prompt, one edited with DEL, an unknown
command, then `exit 5`, which powers off with status 5; and Ctrl-D at the
prompt leaves with the last command's status; piped into --shell, the
commands run in turn and the end of input ends the shell.
"""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from qemu.tools_boot import boot, on_terminal  # noqa: E402

ZONE_BOOT = re.compile(r"^zone (\w+): (0x[0-9a-f]+)-(0x[0-9a-f]+) (\d+) pages, \d+ free$")
ZONE_SHELL = re.compile(r"^zone (\w+): (0x[0-9a-f]+)-(0x[0-9a-f]+), (\d+) pages present, "
                        r"(\d+) managed, (\d+) free, (\d+) in hart caches$")
BUDDY_HEAD = re.compile(r"^buddy (\w+): (\d+) free pages$")
BUDDY_ROW = re.compile(r"^ +(\d+) +(\d+) +(\d+) +(\d+)\.(\d)%$")
SLAB_ROW = re.compile(r"^(\S+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$")


def run(cmd, cwd):
    """tools/boot cmd in cwd, stdin empty: (exit status, stdout lines, stderr text)."""
    rc, out, err = boot(cmd, cwd)
    return rc, out, "\n".join(err)


def at_prompts(lines):
    """A respond() for on_terminal: each of lines typed at a new mmsh> prompt."""
    state = {"typed": 0}

    def respond(out):
        if state["typed"] >= len(lines) or out.count(b"mmsh> ") <= state["typed"]:
            return None
        state["typed"] += 1
        return lines[state["typed"] - 1]
    return respond


def check_zones(tap, what, out):
    booted = {m.group(1): m.groups()[1:] for m in map(ZONE_BOOT.match, out) if m}
    shell = {m.group(1): m.groups()[1:] for m in map(ZONE_SHELL.match, out) if m}
    tap.check(booted and sorted(booted) == sorted(shell),
              "%s zones: the zones with memory are the boot report's" % what,
              "boot %r, shell %r" % (sorted(booted), sorted(shell)))
    for name, (start, end, present) in booted.items():
        got = shell.get(name)
        tap.check(got is not None and got[:3] == (start, end, present),
                  "%s zones: %s's span and present pages are the boot report's" % (what, name),
                  "boot %r, shell %r" % ((start, end, present), got))
        if got:
            present, managed, free, cached = map(int, got[2:])
            tap.check(free + cached <= managed <= present,
                      "%s zones: %s: free + cached <= managed <= present" % (what, name),
                      repr(got))


def check_buddy(tap, what, out):
    """Each zone's table: rows in order, pages = blocks << order, sum = free."""
    zones, i = 0, 0
    while i < len(out):
        head = BUDDY_HEAD.match(out[i])
        i += 1
        if not head:
            continue
        zones += 1
        name, free = head.group(1), int(head.group(2))
        rows = []
        i += 1                     # the column titles
        while i < len(out) and BUDDY_ROW.match(out[i]):
            rows.append(tuple(map(int, BUDDY_ROW.match(out[i]).groups())))
            i += 1
        orders = [r[0] for r in rows]
        tap.check(orders == list(range(len(rows))) and len(rows) > 9,
                  "%s buddy %s: a row per order from 0" % (what, name), repr(orders))
        tap.check(all(pages == blocks << order for order, blocks, pages, _, _ in rows),
                  "%s buddy %s: each order's pages are its blocks << order" % (what, name))
        tap.check(sum(r[2] for r in rows) == free,
                  "%s buddy %s: the free blocks add up to the zone's free pages" % (what, name),
                  "%d in blocks, %d free" % (sum(r[2] for r in rows), free))
        smaller, wrong = 0, []
        for order, blocks, pages, whole, tenth in rows:
            want = smaller * 1000 // free if free else 0
            if whole * 10 + tenth != want:
                wrong.append((order, whole * 10 + tenth, want))
            smaller += pages
        tap.check(not wrong, "%s buddy %s: each unusable index is the share of free pages in "
                  "smaller blocks" % (what, name), repr(wrong))
    tap.check(zones >= 1, "%s buddy: a table for each zone with memory" % what)


def check_slab(tap, what, out):
    rows = [SLAB_ROW.match(line) for line in out]
    rows = [m for m in rows if m]
    count = [line for line in out if re.match(r"^\d+ caches$", line)]
    tap.check(len(count) == 1 and int(count[0].split()[0]) == len(rows) and rows,
              "%s slab: a row per cache, as many as it says" % what,
              "%d rows, %r" % (len(rows), count))
    tap.check(all(int(m.group(3)) <= int(m.group(4)) for m in rows),
              "%s slab: no cache has more objects in use than in all" % what)
    tap.check(any(m.group(1) == "kmalloc-64" and m.group(2) == "64" for m in rows),
              "%s slab: kmalloc-64 holds 64-byte objects" % what)


VMALLOC_HEAD = re.compile(r"^vmalloc (0x[0-9a-f]+)-(0x[0-9a-f]+): (\d+) areas, (\d+) pages$")
VMALLOC_AREA = re.compile(r"^  (0x[0-9a-f]+)-(0x[0-9a-f]+) (\d+) pages \(guard page at "
                          r"(0x[0-9a-f]+)\)$")


def check_vmalloc(tap, what, out):
    """The areas: as many as the header says, their pages its total, each
    in the window, one page above its guard, its end its pages further on."""
    head = [m for m in map(VMALLOC_HEAD.match, out) if m]
    areas = [tuple(int(x, 0) for x in m.groups()) for m in map(VMALLOC_AREA.match, out) if m]
    tap.check(len(head) == 1 and int(head[0].group(3)) == len(areas) > 0 and
              int(head[0].group(4)) == sum(a[2] for a in areas),
              "%s vmalloc: the areas add up to the header's count and pages" % what,
              "%r, %d areas" % (head[0].groups() if head else None, len(areas)))
    lo, hi = (int(head[0].group(1), 16), int(head[0].group(2), 16)) if head else (0, 0)
    tap.check(all(lo <= guard and start == guard + 4096 and end == start + pages * 4096 <= hi
                  for start, end, pages, guard in areas),
              "%s vmalloc: each area in the window, a guard page below it" % what)


def main():
    tools_boot, mmsh = sys.argv[1:3]
    tap = Tap("mmsh test")
    cmds = ("zones; buddy; slab; vmalloc; frame 0x80000000; frame 0; frame zork; frob; "
            "help buddy; exit 7")
    with tempfile.TemporaryDirectory() as tmp:
        for what, opts in (("virt", []), ("virt -s 4", ["-s", "4"]),
                           ("sifive_u", ["-M", "sifive_u"])):
            rc, out, err = run([tools_boot] + opts + ["--cmd", cmds], tmp)
            tap.check(rc == 7 and "run: mmsh exited with 7" in out,
                      "%s: tools/boot exits with the last command's status, 7" % what,
                      "exit %d\n%s" % (rc, err))
            check_zones(tap, what, out)
            check_buddy(tap, what, out)
            check_slab(tap, what, out)
            check_vmalloc(tap, what, out)
            tap.check("mmsh: frob: no such command (help lists them)" in out,
                      "%s: one line for an unknown command" % what)
            tap.check("buddy [ZONE]" in out, "%s: help buddy says how to use it" % what)
            tap.check(any(line.startswith("frame 0x80000000: zone DMA32, reserved (never given "
                                          "to the buddy") for line in out),
                      "%s: frame of RAM's first page: the firmware's, reserved" % what)
            tap.check("frame 0x0: not RAM the kernel manages" in out,
                      "%s: frame 0: not RAM" % what)
            tap.check("mmsh: frame: 'zork' is not an address (decimal, or hex with 0x)" in out,
                      "%s: frame of a word: one line" % what)
            if opts == ["-s", "4"]:
                harts = [line for line in out if re.match(r"^  hart \d cache: ", line)]
                tap.check([h.split()[1] for h in harts] == ["0", "1", "2", "3"],
                          "virt -s 4: a cache line for each of the 4 harts", repr(harts))

        # The issue's own example: a program's regions after it ran, as its
        # pager kept them; the pages charged to it are what demo itself
        # reported (its "resident N pages"): every region's but the text's.
        rc, out, err = run([tools_boot, "--cmd", "zones; run demo; maps demo"], tmp)
        own = [re.search(r"^demo: faults: .*; resident (\d+) pages$", line) for line in out]
        own = [m for m in own if m]
        rows = [re.match(r"^  [0-9a-f]{16}-[0-9a-f]{16}  [r-][w-][x-] +(\w+) +\d+ +(\d+)  ", line)
                for line in out]
        rows = [m for m in rows if m]
        tap.check(rc == 0 and any(re.match(r"^maps: task \d+ \(demo\), ended: its regions when "
                                           r"it ended$", line) for line in out) and own and
                  sum(int(m.group(2)) for m in rows if m.group(1) != "text") ==
                  int(own[0].group(1)) and "stack" in [m.group(1) for m in rows],
                  "--cmd \"zones; run demo; maps demo\": demo's regions as it ended, its charged "
                  "pages the ones it reported itself", "exit %d\n%s" % (rc, "\n".join(out[-14:])))

        rc, text = on_terminal([tools_boot], tmp, at_prompts([b"zonex\x7fs\r", b"bogus\r", b"exit 5\r"]))
        tap.check(rc == 5 and "run: mmsh exited with 5" in text,
                  "on a terminal: tools/boot opens the shell; exit 5 powers off with 5",
                  "exit %d\n%s" % (rc, text[-2000:]))
        tap.check("\nzone DMA32: 0x80000000-0x88000000, 32768 pages present" in text,
                  "on a terminal: 'zonex', DEL, 's' ran zones")
        tap.check("mmsh: bogus: no such command (help lists them)" in text,
                  "on a terminal: one line for an unknown command")
        rc, text = on_terminal([tools_boot], tmp, at_prompts([b"help\r", b"\x04"]))
        tap.check(rc == 0 and "run: mmsh exited with 0" in text,
                  "on a terminal: Ctrl-D at the prompt leaves with the last status, 0",
                  "exit %d\n%s" % (rc, text[-2000:]))
        with open(os.path.join(tmp, "commands"), "wb") as f:
            f.write(b"buddy NORMAL\n" + b"z" * 5000 + b"\nslab\nbuddy HIGHMEM\n")
        with open(os.path.join(tmp, "commands"), "rb") as f:
            rc, out, err = boot([tools_boot, "--shell"], tmp, f)
        # No echo of piped input (console_echo=off): each prompt runs into the
        # first line of what the command printed.
        out = [line.replace("mmsh> ", "") for line in out]
        tap.check(rc == 1 and "buddy NORMAL: empty" in out and
                  "mmsh: buddy: no zone 'HIGHMEM' (DMA, DMA32 or NORMAL)" in out and
                  "mmsh: a line of more than 4095 bytes" in out and
                  any(re.match(r"^\d+ caches$", line) for line in out),
                  "--shell with commands piped in: each runs, a 5000-byte line is refused "
                  "in one line, the end of input ends it with the last status, 1", "exit %d\n%s" % (rc, "\n".join(out[-8:])))

        # The shell under another name gets no right: init gives it to mmsh alone.
        shutil.copy(mmsh, os.path.join(tmp, "notmmsh"))
        rc, out, err = run([tools_boot, "--run", "notmmsh", "-c", "zones"], tmp)
        tap.check(rc == 1 and "mmsh: zones: the kernel refuses: ERR_DENIED (this mmsh lacks "
                  "RIGHT_INTROSPECT, which init gives the shell it starts)" in out,
                  "the shell run under another name: ERR_DENIED named, status 1",
                  "exit %d\n%s" % (rc, "\n".join(out[-5:])))

        for args, want in ((["--cmd", "zones", "slab"], "tools/boot: --cmd takes one string"),
                           (["--cmd", ""], "tools/boot: --cmd: no commands"),
                           (["--cmd", "zones", "--run", mmsh], "tools/boot: --cmd and --shell run mmsh"),
                           (["--shell", "--cmd", "zones"], "tools/boot: --shell or --cmd, not both"),
                           (["--shell", "selftest"], "tools/boot: --shell takes no kernel words")):
            rc, out, err = run([tools_boot] + args, tmp)
            tap.check(rc == 2 and err.startswith(want) and len(err.splitlines()) == 1 and
                      not any(line.startswith("Tessera") for line in out),
                      "refused in one line, nothing booted: %s" % " ".join(args), err)
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
