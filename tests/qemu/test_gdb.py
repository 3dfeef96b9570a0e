#!/usr/bin/env python3
"""The gdb kit (tools/gdb, tools/gdb-tessera.py) in batch mode, TAP.

usage: test_gdb.py TOOLS_GDB

tools/gdb boots virt with the shell running "zones; buddy; slab; tasks;
pt mmsh 0x10000; sleep 1", stops the kernel at the shell's sleep
(sys_sleep_until: the shell's lines are out, and nothing allocates between
them and the stop), and runs tessera zones, buddy, slab, task and pt.  The
gdb commands read the kernel's structures themselves (the free lists walked
block by block, the tasks' list, the page table through the phys window);
the shell read them through SYS_MEMINFO.  Both must say the same: the same
zone lines, the same free blocks per order (adding up to the zone's free
pages), the same caches, the same tasks, the same walk.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402

CMDS = "zones; buddy; slab; tasks; pt mmsh 0x10000; sleep 1"
GDB = ["tessera zones", "tessera buddy", "tessera slab", "tessera task", "tessera pt 3 0x10000"]


def buddy_tables(lines, columns):
    """{zone: [blocks per order]} from `buddy` tables (mmsh's have a 4th column)."""
    tables, zone = {}, None
    for line in lines:
        m = re.match(r"^buddy (\w+): \d+ free pages$", line)
        if m:
            zone = m.group(1)
            tables[zone] = []
            continue
        m = re.match(r"^ +(\d+) +(\d+) +(\d+)" + (r" +[\d.]+%" if columns == 4 else "") + r"$", line)
        if m and zone:
            tables[zone].append(int(m.group(2)))
        elif zone and not line.startswith("  order"):
            zone = None
    return tables


def main():
    tool = sys.argv[1]
    tap = Tap("gdb kit")
    with tempfile.TemporaryDirectory() as tmp:
        console = os.path.join(tmp, "console.log")
        args = [tool, "--break", "sys_sleep_until", "--console", console]
        for c in GDB:
            args += ["--ex", c]
        p = subprocess.run(args + ["--cmd", CMDS], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=300, env=dict(os.environ, TESSERA_BOOT_NO_SETUP="1"))
        gdb = p.stdout.decode("utf-8", "replace").splitlines()
        shell = open(console, encoding="utf-8", errors="replace").read().replace("\r", "").splitlines()
    # the shell's lines: after the pager is up (the boot report has zone lines of its own)
    started = [i for i, l in enumerate(shell) if l.startswith("pager: serving on handle")]
    shell = shell[started[0]:] if started else []
    tap.check(p.returncode == 0 and any(l.startswith("task 3 (mmsh)") for l in gdb),
              "tools/gdb stopped the kernel at the shell's sleep and ran the commands",
              "exit %d\n%s" % (p.returncode, "\n".join(gdb[-20:])))
    zone_re = r"^zone \w+: (empty|0x.*in hart caches)$"
    tap.check([l for l in gdb if re.match(zone_re, l)] ==
              [l for l in shell if re.match(zone_re, l)] and any(re.match(zone_re, l) for l in gdb),
              "tessera zones: the shell's zone lines, word for word",
              "\n".join(l for l in gdb + shell if re.match(zone_re, l)))
    ours, theirs = buddy_tables(gdb, 3), buddy_tables(shell, 4)
    frees = {m.group(1): int(m.group(2)) for m in
             (re.match(r"^zone (\w+): .* (\d+) free, ", l) for l in gdb) if m}
    tap.check(ours and ours == theirs and
              all(sum(n << o for o, n in enumerate(b)) == frees.get(z) for z, b in ours.items()),
              "tessera buddy: the free lists walked block by block: the shell's blocks per order, "
              "adding up to the zone's free pages", "%r\n%r\n%r" % (ours, theirs, frees))
    gdb_caches = [m.groups() for m in (re.match(r"^(\S+) +(\d+) +\d+ +\d+ +\d+ +\d+$", l) for l in gdb) if m]
    sh_caches = [m.groups() for m in (re.match(r"^(\S+) +(\d+) +\d+ +\d+ +\d+ +\d+ +\d+$", l) for l in shell) if m]
    tap.check(gdb_caches and gdb_caches == sh_caches,
              "tessera slab: the shell's caches and their sizes, in order", "%r\n%r" % (gdb_caches, sh_caches))
    gdb_tasks = [(int(m.group(1)), m.group(2)) for m in (re.match(r"^task (\d+) \((\S+)\): ", l) for l in gdb) if m]
    sh_tasks = [(int(m.group(1)), m.group(2)) for m in (re.match(r"^ +(\d+) (\S+) +\d+ ", l) for l in shell) if m]
    tap.check(gdb_tasks and gdb_tasks == sh_tasks, "tessera task: the shell's tasks",
              "%r\n%r" % (gdb_tasks, sh_tasks))
    walk = r"^(pt: task 3|  level \d: table|  0x10000 -> )"
    cut = lambda l: re.sub(r" -> (table|frame) .*$", "", l)
    tap.check([l for l in gdb if re.match(walk, l)] and
              [cut(l) for l in gdb if re.match(walk, l)] == [cut(l) for l in shell if re.match(walk, l)],
              "tessera pt 3 0x10000: the shell's walk, table by table, entry by entry",
              "\n".join(l for l in gdb + shell if re.match(walk, l)))
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
