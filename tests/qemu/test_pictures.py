#!/usr/bin/env python3
"""tessera-mm --html on snapshots of running systems, opened in Chromium, TAP.

usage: test_pictures.py TOOLS_BOOT TESSERA_MM CHROMIUM OUT_DIR

Boots virt with 128 MiB, 8 GiB, 4 harts and 8 MiB, each running
tools/boot --cmd "trace faults on; run demo; trace faults off; snapshot"
into a log, as the docs say to.  The snapshot is read here with Python's
own JSON parser, and the page tessera-mm draws from the log must show
exactly what it holds: a band for each memory: line of the boot report, a
free-list picture for each zone with memory, every task with as many
leaves as it has, every slab cache, a row for each traced fault; and its
script must run without an error.  A log cut inside the snapshot is
refused in one line.  Screenshots go to OUT_DIR.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from pictures import render, check_page  # noqa: E402
from qemu.tools_boot import boot  # noqa: E402

CMDS = "trace faults on; run demo; trace faults off; snapshot"


def main():
    tools_boot, tool, chromium, out_dir = sys.argv[1:5]
    tap = Tap("pictures of snapshots")
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, opts in (("virt-128m", []), ("virt-8g", ["-m", "8G"]),
                           ("virt-smp4", ["-s", "4"]), ("virt-8m", ["-m", "8M"])):
            rc, out, err = boot([tools_boot] + opts + ["--cmd", CMDS], tmp)
            log = os.path.join(tmp, name + ".log")
            with open(log, "w") as f:
                f.write("\n".join(out) + "\n")
            try:
                begin = out.index("--- tessera snapshot begin ---")
                end = out.index("--- tessera snapshot end ---")
                snap = json.loads("\n".join(out[begin + 1:end]))
            except ValueError as e:
                tap.check(False, "%s: a snapshot in the log" % name, "exit %d: %s" % (rc, e))
                continue
            page = os.path.join(tmp, name + ".html")
            p = subprocess.run([tool, "--html", page, log], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            tap.check(rc == 0 and p.returncode == 0 and os.path.exists(page),
                      "%s: tessera-mm --html drew the log" % name, p.stderr.decode())
            if p.returncode:
                continue
            dom, complaints = render(chromium, page, os.path.join(out_dir, name + ".png"))
            check_page(tap, name, dom, complaints, {
                "bands": sum(1 for line in out if re.match(r"^memory: 0x", line)),
                "zones": [z["name"] for z in snap["zones"] if int(z["end"], 16) > int(z["start"], 16)],
                "tasks": [t["id"] for t in snap["tasks"]],
                "slabs": len(snap["slabs"]),
                "frames": sum(1 for f in snap["frames"] if f["state"] != "not-ram"),
                "faults": len(snap["faults"]),
                "leaves": {t["id"]: len(t["leaves"]) for t in snap["tasks"]},
            })
            if name == "virt-128m":
                cut = os.path.join(tmp, "cut.log")
                with open(cut, "w") as f:
                    f.write("\n".join(out[:end - 3]) + "\n")
                p = subprocess.run([tool, "--html", os.path.join(tmp, "cut.html"), cut],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                tap.check(p.returncode == 1 and p.stderr.decode() ==
                          "tessera-mm: cut.log: the snapshot is cut short (no end marker)\n" and
                          not os.path.exists(os.path.join(tmp, "cut.html")),
                          "a log cut inside the snapshot: refused in one line, no page",
                          p.stderr.decode())
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
