#!/usr/bin/env python3
"""The memory shell's task commands (tasks, maps, pt, run, wait, kill), TAP.

usage: test_mmsh_tasks.py TOOLS_BOOT TESSERA_CC NAP_C

nap.c, built here with tools/tessera-cc, writes a 32 KiB buffer in its
.bss and a malloc'd block, prints where they and its stack lie, and sleeps.
The shell runs it with '&' and looks at it; every answer is checked against
facts known another way:
  - maps: the regions are the ELF file's PT_LOAD segments (read here with
    struct, page-rounded, rights from p_flags), then its heap and its
    256 KiB stack below 0x40000000; nap's own addresses lie in the data,
    heap and stack regions; the total resident is the sum of the rows;
  - pt (the dump): every user leaf lies in a region, text leaves are not
    writable, writable ones are dirty (the kernel sets A and D itself), the
    leaves are as many as the resident pages and as the `tasks` row's PAGES;
  - pt VA: Sv48 or Sv39 as booted (4 or 3 levels read), each level's next
    table the entry's, the root the first table, the frame the dump's, and
    the frame of nap's .bss page is an allocated page (the pager's pool);
  - tasks: the kernel's count of nap's faults equals the pager's "in all"
    (two books kept apart); once nap is killed its row says it ended,
    killed, with no page left, and the pager's pages are back where they
    were;
  - trace faults on: a line for each fault the kernel counted, as many
    zero-fill, file and file-copy lines as the pager's counters say, the
    .bss write's frame the one pt finds, each round trip's instructions
    under --icount and no figure without it;
  - limit: nap with 16 resident pages at most grows by 32: its fault past
    the limit is refused, EXIT_REFUSED_OUT_OF_MEMORY named;
  - snapshot: one JSON document between its markers (docs/snapshot.md):
    schema and version, paging as booted, each zone's free blocks adding up
    to its free pages, the frame runs tiling RAM with the zones' free and
    cached counts, nap's regions equal to maps' rows, its leaves to
    pt's (each with one table per level), its traced faults in order;
  - slab kmalloc-64: a magazine line per hart, their objects adding up to
    the cache's count in magazines;
  - run in the foreground: hello's own output and status (3, tools/boot's
    exit status as the last command's); kill: EXIT_KILLED named;
  - one line for each wrong use: an unknown task, a task of no pager of
    ours, a kill of a task the shell did not start, a program that is not
    there, a word where an address goes, an address that is not canonical.
On virt (Sv48, 1 hart, --icount), virt --sv39 with 4 harts, and sifive_u.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from qemu.tools_boot import boot  # noqa: E402

PAGE = 4096
STACK_TOP = 0x40000000          # USER_STACK_TOP (include/tessera/syscall.h)
STACK_SIZE = 0x40000            # PAGER_STACK_LIMIT (user/pager/protocol.h)

TASK_ROW = re.compile(r"^ +(\d+) (\S+) +(\d+) +(\d+) +(\d+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+)"
                      r"  (.*)$")
MAP_ROW = re.compile(r"^  ([0-9a-f]{16})-([0-9a-f]{16})  ([r-][w-][x-]) +(\w+) +(\d+) +(\d+)  (.*)$")
LEAF = re.compile(r"^  0x([0-9a-f]+) -> 0x([0-9a-f]+) +(\d+) KiB  ([A-Z ]+)$")
STEP = re.compile(r"^  level (\d): table 0x([0-9a-f]+) index +(\d+): pte 0x([0-9a-f]+) (.*)$")


def page_down(a):
    return a & ~(PAGE - 1)


def page_up(a):
    return (a + PAGE - 1) & ~(PAGE - 1)


def elf_loads(path):
    """The PT_LOAD segments of a 64-bit little-endian ELF: (vaddr, memsz, flags)."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads = []
    for i in range(phnum):
        p_type, p_flags, _, p_vaddr, _, _, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            loads.append((p_vaddr, p_memsz, p_flags))
    return loads


def expected_regions(loads):
    """What the pager makes of the segments: (start, end, rights, kind)."""
    regions = []
    for vaddr, memsz, flags in loads:
        rights = ("r" if flags & 4 else "-") + ("w" if flags & 2 else "-") + \
                 ("x" if flags & 1 else "-")
        regions.append((page_down(vaddr), page_up(vaddr + memsz), rights,
                        "data" if flags & 2 else "text"))
    return regions


def section(out, start, stop_re):
    """The lines of out from the first that starts with `start` up to one matching stop_re."""
    for i, line in enumerate(out):
        if line.startswith(start):
            rest = []
            for more in out[i + 1:]:
                if re.match(stop_re, more):
                    break
                rest.append(more)
            return line, rest
    return None, []


def task_rows(out, header_index):
    rows = {}
    for line in out[header_index + 1:]:
        m = TASK_ROW.match(line)
        if not m:
            break
        rows[int(m.group(1))] = m.groups()
    return rows


def check_snapshot(tap, what, out, nap_id, levels, regions, leaves, traced):
    """The snapshot's JSON against the same state as the other commands showed it."""
    try:
        begin = out.index("--- tessera snapshot begin ---")
        end = out.index("--- tessera snapshot end ---")
        doc = json.loads("\n".join(out[begin + 1:end]))
    except (ValueError, json.JSONDecodeError) as e:
        tap.check(False, "%s: snapshot: one JSON document between the markers" % what, str(e))
        return
    tap.check(doc.get("schema") == "tessera-snapshot" and doc.get("version") == 1 and
              doc.get("paging") == ("Sv48" if levels == 4 else "Sv39"),
              "%s: snapshot: schema, version 1, paging as booted" % what,
              repr({k: doc.get(k) for k in ("schema", "version", "paging")}))
    tap.check(all(sum(n << o for o, n in enumerate(z["free_blocks"])) == z["free"]
                  for z in doc["zones"]) and [z["name"] for z in doc["zones"]] ==
              ["DMA", "DMA32", "NORMAL"],
              "%s: snapshot: each zone's free blocks add up to its free pages" % what)
    runs = doc.get("frames", [])
    tiled = all(int(a["start"], 16) + a["pages"] * 4096 == int(b["start"], 16)
                for a, b in zip(runs, runs[1:]))
    span = (int(runs[0]["start"], 16), int(runs[-1]["start"], 16) + runs[-1]["pages"] * 4096) \
        if runs else None
    zones = [z for z in doc["zones"] if int(z["end"], 16) > int(z["start"], 16)]
    tap.check(runs and tiled and span == (min(int(z["start"], 16) for z in zones),
                                          max(int(z["end"], 16) for z in zones)) and
              sum(f["pages"] for f in runs if f["state"] == "free") == sum(z["free"] for z in zones)
              and sum(f["pages"] for f in runs if f["state"] == "cached") ==
              sum(z["cached"] for z in zones),
              "%s: snapshot: the frame runs tile RAM, their free and cached pages the zones' "
              "counts" % what, "%d runs, span %r" % (len(runs), span))
    nap = [t for t in doc["tasks"] if t["id"] == nap_id]
    nap = nap[0] if nap else None
    tap.check(nap is not None and nap["pager"] is not None and
              [(int(r["start"], 16), int(r["end"], 16), r["rights"], r["kind"])
               for r in nap["pager"]["regions"]] == regions,
              "%s: snapshot: nap's regions are maps' rows" % what)
    tap.check(nap is not None and len(nap["leaves"]) == nap["user_pages"] == len(leaves) and
              [(int(x["va"], 16), int(x["pa"], 16)) for x in nap["leaves"]] ==
              [(va, pa) for va, pa, _, _ in leaves] and
              all(len(x["tables"]) == levels for x in nap["leaves"]),
              "%s: snapshot: nap's leaves are pt's, each with its %d tables" % (what, levels))
    mine = [f for f in doc["faults"] if f["task"] == nap_id]
    tap.check(len(mine) == len(traced) and
              all(" 0x%x " % int(f["addr"], 16) in line for f, line in zip(mine, traced)),
              "%s: snapshot: nap's traced faults, in the trace's order" % what,
              "%d in the snapshot, %d lines" % (len(mine), len(traced)))


def check_boot(tap, what, opts, tools_boot, nap, tmp, loads, addrs):
    levels = 3 if "--sv39" in opts else 4
    cmds = ("tasks; trace faults on; run nap &; sleep 300; tasks; trace faults off; snapshot; "
            "trace bogus; slab kmalloc-64; "
            "maps nap; pt nap; pt nap 0x10000; "
            "pt nap 0x%x; frame PA; pt nap 0x400000; pt nap 0x800000000000; pt nap zork; "
            "maps 999; maps init; kill 1; run nosuch; kill nap; tasks; wait nap; "
            "run nap grow &; sleep 100; limit nap 16; wait nap; "
            "run hello a b" % addrs["bss"])
    # frame PA: the bss page's frame, known only from pt: a second command
    # string would need a second boot, so the shell is asked about it by
    # finding it in the dump below (the frame line is checked from there).
    cmds = cmds.replace("frame PA; ", "")
    rc, out, err = boot([tools_boot] + opts + ["--file", nap, "--cmd", cmds], tmp)
    tap.check(rc == 3 and "run: hello exited with 3" in out and
              "hello, world: argc 3, argv[argc] NULL" in out,
              "%s: run hello a b in the foreground: its output, its status 3 as "
              "tools/boot's" % what, "exit %d\n%s" % (rc, "\n".join(err)))
    headers = [i for i, line in enumerate(out) if line.startswith("   ID NAME")]
    tap.check(len(headers) == 3, "%s: three task tables" % what, repr(headers))
    if len(headers) != 3:
        return
    before, during, after = (task_rows(out, h) for h in headers)
    names = {row[1]: (tid, row) for tid, row in before.items()}
    tap.check("init" in names and "pager" in names and "mmsh" in names and
              names["mmsh"][1][10].endswith("[introspect]") and
              "1 running" in names["mmsh"][1][10],
              "%s: tasks: init, pager and the running shell, which introspects" % what,
              repr(before))
    started = [line for line in out if line.startswith("run: nap is task ")]
    nap_id = int(started[0].split()[4]) if started else -1
    row = during.get(nap_id)
    tap.check(row is not None and row[1] == "nap" and row[10] == "1 sleep",
              "%s: run nap &: task %d, asleep, without the right" % (what, nap_id), repr(row))

    # maps against the ELF file
    head, rows = section(out, "maps: task %d (nap)" % nap_id, r"^  \d+ regions")
    regions = [MAP_ROW.match(line) for line in rows[1:]]
    got = [(int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4))
           for m in regions if m]
    want = expected_regions(loads)
    tap.check(head is not None and got[:len(want)] == want,
              "%s: maps: the ELF's segments, page-rounded, with their rights" % what,
              "want %r\ngot %r" % (want, got))
    heap = [r for r in got if r[3] == "heap"]
    stack = [r for r in got if r[3] == "stack"]
    tap.check(stack == [(STACK_TOP - STACK_SIZE, STACK_TOP, "rw-", "stack")] and
              len(heap) == 1 and heap[0][0] == want[-1][1],
              "%s: maps: the heap right after the data, the 256 KiB stack below 0x40000000"
              % what, repr(got))

    def region_of(addr):
        return [r[3] for r in got if r[0] <= addr < r[1]]
    tap.check(region_of(addrs["bss"]) == ["data"] and region_of(addrs["heap"]) == ["heap"]
              and region_of(addrs["stack"]) == ["stack"],
              "%s: maps: nap's own .bss, malloc block and stack lie in its data, heap and "
              "stack regions" % what, "%r in %r" % (addrs, got))
    total = [line for line in out if re.match(r"^  \d+ regions, \d+ pages resident$", line)]
    resident = sum(int(m.group(6)) for m in regions if m)
    tap.check(total == ["  %d regions, %d pages resident" % (len(got), resident)],
              "%s: maps: the total is the rows' sum" % what, repr(total))

    # pt: the dump
    head, rows = section(out, "pt: task %d (nap): user leaves" % nap_id, r"^  \d+ leaves$")
    leaves = [LEAF.match(line) for line in rows]
    leaves = [(int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)) * 1024,
               m.group(4).split()) for m in leaves if m]
    tap.check(head is not None and leaves and len(leaves) == len(rows) and
              all(len(region_of(va)) == 1 for va, _, _, _ in leaves),
              "%s: pt: every user leaf lies in one region" % what, repr(leaves[:4]))
    tap.check(all("U" in b and "A" in b and "V" in b and ("W" not in b or "D" in b)
                  for _, _, _, b in leaves) and
              all("W" not in b for va, _, _, b in leaves if region_of(va) == ["text"]),
              "%s: pt: user, accessed; text never writable; every writable leaf dirty" % what)
    tap.check(len(leaves) == resident and row is not None and int(row[2]) == len(leaves),
              "%s: pt: as many leaves as resident pages and as tasks' PAGES" % what,
              "%d leaves, %d resident, row %r" % (len(leaves), resident, row))

    # pt VA: the walks
    by_va = {va: pa for va, pa, _, _ in leaves}
    for va in (0x10000, page_down(addrs["bss"])):
        head, rows = section(out, "pt: task %d (nap) va 0x%x: Sv%d" %
                             (nap_id, va if va == 0x10000 else addrs["bss"],
                              48 if levels == 4 else 39), r"^  0x")
        steps = [STEP.match(line) for line in rows]
        ok = head is not None and len(steps) == levels and all(steps)
        if ok:
            root = int(head.rsplit("0x", 1)[1], 16)
            ok = int(steps[0].group(2), 16) == root
            for a, b in zip(steps, steps[1:]):
                ok = ok and a.group(5).endswith("-> table 0x%s" % b.group(2).lstrip("0"))
            ok = ok and [int(s.group(1)) for s in steps] == list(range(levels - 1, -1, -1))
            want_index = [(va >> (12 + 9 * lv)) & 511 for lv in range(levels - 1, -1, -1)]
            ok = ok and [int(s.group(3)) for s in steps] == want_index
        tap.check(ok, "%s: pt nap 0x%x: %d levels from the root, indexes from the address, "
                  "each entry pointing at the next table" % (what, va, levels),
                  "%s\n%s" % (head, "\n".join(rows)))
        to = [line for line in out if line.startswith("  0x%x -> 0x" %
                                                       (va if va == 0x10000 else addrs["bss"]))]
        pa = int(to[0].split("0x")[-1], 16) if to else -1
        tap.check(va in by_va and pa == by_va[va] + (0 if va == 0x10000 else addrs["bss"] - va),
                  "%s: pt nap 0x%x: the frame the dump has" % (what, va), "%r %r" % (to, by_va.get(va)))
    tap.check("  0x400000 is not mapped (a touch faults to the pager)" in out,
              "%s: pt of a hole: not mapped" % what)
    tap.check("mmsh: pt: 0x800000000000 is not a canonical address" in out,
              "%s: pt of a non-canonical address: one line" % what)
    for line, why in (("mmsh: pt: 'zork' is not an address", "a word for an address"),
                      ("mmsh: maps: no task with id 999 (tasks lists them)", "an unknown task"),
                      ("mmsh: maps: task 1 (init) is not a client of the shell's pager; its "
                       "regions are another pager's, or it has none", "a task of no pager of ours"),
                      ("mmsh: kill: '1' is not a program this shell runs", "kill of init"),
                      ("mmsh: run: no program 'nosuch' in the boot image or the initrd",
                       "a program that is not there"),
                      ("mmsh: wait: 'nap' is not a program this shell runs",
                       "wait for one already ended")):
        tap.check(line in out, "%s: one line for %s" % (what, why))

    # the trace: one line per fault, as the kernel and the pager count them
    traced = [line for line in out if line.startswith("fault: task %d (nap) " % nap_id)]
    decisions = [re.search(r"pc 0x[0-9a-f]+: ([a-zA-Z -]+?)(,| ->| \()", line) for line in traced]
    kinds = [m.group(1) if m else "?" for m in decisions]
    tap.check(row is not None and len(traced) == int(row[4]) and len(traced) > 0,
              "%s: trace: a line for each of nap's faults the kernel counted (%s)" %
              (what, row[4] if row else "?"), "\n".join(traced))
    tap.check(row is not None and
              kinds.count("zero-fill") + kinds.count("prepared") == int(row[6]) and
              kinds.count("file") == int(row[7]) and kinds.count("file-copy") == int(row[8]),
              "%s: trace: zero-fill, file and file-copy lines as many as the pager counted" % what,
              "%r\n%r" % (kinds, row))
    counted = [re.search(r", (\d+) instructions$", line) for line in traced]
    if "--icount" in opts:
        tap.check(traced and all(c and int(c.group(1)) > 0 for c in counted),
                  "%s: trace: each round trip's instructions, counted exactly" % what)
    else:
        tap.check(traced and all(line.endswith(", (not counted: --icount counts)")
                                 for line in traced),
                  "%s: trace: no instruction figure where the counter is not exact" % what)
    bss_page = page_down(addrs["bss"])
    bss_lines = [line for line in traced if " write 0x%x " % bss_page in line or
                 re.search(r" write 0x%x[0-9a-f]{3} " % (bss_page >> 12), line)]
    walk = [line for line in out if line.startswith("  0x%x -> 0x" % addrs["bss"])]
    walk_pa = page_down(int(walk[0].split("0x")[-1], 16)) if walk else -1
    tap.check(len(bss_lines) == 1 and ("-> frame 0x%x writable" % walk_pa) in bss_lines[0],
              "%s: trace: the write to nap's .bss page mapped the frame pt finds there" % what,
              "%r, walk %r" % (bss_lines, walk))
    tap.check("trace: off, %d faults shown" % sum(
        1 for line in out if line.startswith("fault: task ")) in out,
        "%s: trace off: the count of lines shown" % what)
    tap.check("mmsh: trace: trace faults [TASK] on|off" in out,
              "%s: one line for a wrong trace command" % what)

    check_snapshot(tap, what, out, nap_id, levels, got, leaves, traced)

    # slab CACHE: a magazine line per hart, adding up to the cache's count
    head = [re.match(r"^cache kmalloc-64: 64-byte objects, \d+ in a \d+-byte slab; \d+ in use, "
                     r"(\d+) in magazines", line) for line in out]
    head = [m for m in head if m]
    mags = [re.match(r"^  hart (\d+) magazine: (\d+) objects; \d+ allocs served", line)
            for line in out]
    mags = [m for m in mags if m]
    harts = 4 if "-s" in opts else 1       # sifive_u: hart 0 (the E51) has no MMU
    tap.check(head and [int(m.group(1)) for m in mags] == list(range(harts)) and
              sum(int(m.group(2)) for m in mags) == int(head[0].group(1)),
              "%s: slab kmalloc-64: one magazine per hart (%d), adding up to the cache's "
              "count" % (what, harts), repr([m.group(0) for m in mags]))

    # a limit set on a running program: its next fault past it is refused
    tap.check(re.search(r"^limit: task \d+ \(nap\) may have 16 resident pages \(it had 8192\)",
                        "\n".join(out), re.M) and "run: nap was ended: EXIT_REFUSED_OUT_OF_MEMORY" in out
              and "nap: grew by 32 pages" not in out,
              "%s: limit nap 16, then it grows: refused, out of memory, named" % what)

    # kill, and the books afterwards
    faults = [line for line in out if line.startswith("run: nap faults: ")]
    in_all = re.search(r"in all (\d+)", faults[0]) if faults else None
    tap.check("run: nap was ended: EXIT_KILLED" in out and in_all and row is not None and
              int(in_all.group(1)) == int(row[4]),
              "%s: kill nap: EXIT_KILLED named; the pager's faults in all are the kernel's "
              "count" % what, "%r %r" % (faults, row))
    pager_before = [r for r in before.values() if r[1] == "pager"]
    pager_after = [r for r in after.values() if r[1] == "pager"]
    ended = after.get(nap_id)
    tap.check(ended is not None and ended[10] == "ended (EXIT_KILLED, -1)" and ended[2] == "0"
              and pager_before and pager_after and pager_before[0][2] == pager_after[0][2],
              "%s: after the kill: nap ended (the shell holds it, its memory freed: 0 pages), "
              "and the pager maps as many pages as before" % what,
              "%r %r %r" % (ended, pager_before, pager_after))


def main():
    tools_boot, cc, nap_c = sys.argv[1:4]
    tap = Tap("mmsh tasks test")
    with tempfile.TemporaryDirectory() as tmp:
        nap = os.path.join(tmp, "nap")
        p = subprocess.run([cc, nap_c, "-o", nap], cwd=tmp)
        tap.check(p.returncode == 0, "tessera-cc nap.c -o nap")
        rc, out, err = boot([tools_boot, "--run", nap, "once"], tmp)
        m = [re.match(r"^nap: bss 0x([0-9a-f]+) heap 0x([0-9a-f]+) stack 0x([0-9a-f]+)$", line)
             for line in out]
        m = [x for x in m if x]
        tap.check(rc == 0 and m, "nap once: its addresses", "exit %d" % rc)
        if not m:
            sys.exit(tap.done())
        addrs = dict(zip(("bss", "heap", "stack"), (int(g, 16) for g in m[0].groups())))
        loads = elf_loads(nap)
        for what, opts in (("virt --icount", ["--icount"]), ("virt --sv39 -s 4", ["--sv39", "-s", "4"]),
                           ("sifive_u", ["-M", "sifive_u"])):
            check_boot(tap, what, opts, tools_boot, nap, tmp, loads, addrs)
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
