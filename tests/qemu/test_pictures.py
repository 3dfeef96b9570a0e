#!/usr/bin/env python3
"""tessera-mm --html on snapshots of running systems, opened in Chromium, TAP.

usage: test_pictures.py TOOLS_BOOT TESSERA_MM CHROMIUM OUT_DIR

Boots virt with 128 MiB, 8 GiB, 16 GiB (its 4 million pages a few dozen runs
of pages alike), 4 harts and 8 MiB, each running
tools/boot --cmd "trace faults on; run demo; trace faults off; snapshot"
into a log, as the docs say to.  The snapshot is read here with Python's
own JSON parser, and the page tessera-mm draws from the log must show
exactly what it holds: a band for each memory: line of the boot report, a
free-list picture for each zone with memory, every task with as many
leaves as it has, every slab cache, a row for each traced fault; and its
script must run without an error.  A log cut inside the snapshot is
refused in one line, and so is one broken inside.  --text says the same
parts in lines (a line per task, cache, fault and zone) and --svg draws the
map alone (a band per range, each zone, run and reserved range).
Screenshots go to OUT_DIR.
"""
import json
import os
import xml.etree.ElementTree as ET
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
        for name, opts in (("virt-128m", []), ("virt-8g", ["-m", "8G"]), ("virt-16g", ["-m", "16G"]),
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
            # the region of the first traced fault, looked up here in the snapshot
            first, step = snap["faults"][0] if snap["faults"] else None, None
            for t in snap["tasks"] if first else []:
                for r in (t["pager"] or {}).get("regions", []) if t["id"] == first["task"] else []:
                    if int(r["start"], 16) <= int(first["addr"], 16) < int(r["end"], 16):
                        step = "in its %s region %s-%s" % (r["kind"], r["start"], r["end"])
            check_page(tap, name, dom, complaints, dict({
                "bands": sum(1 for line in out if re.match(r"^memory: 0x", line)),
                "zones": [z["name"] for z in snap["zones"] if int(z["end"], 16) > int(z["start"], 16)],
                "tasks": [t["id"] for t in snap["tasks"]],
                "slabs": len(snap["slabs"]),
                "frames": sum(1 for f in snap["frames"] if f["state"] != "not-ram"),
                "faults": len(snap["faults"]),
                "leaves": {t["id"]: len(t["leaves"]) for t in snap["tasks"]},
            }, **({"step": step} if step else {})))
            tap.check(step is not None, "%s: the first fault's region is in the snapshot (demo "
                      "ended: its pager kept its regions)" % name)
            # --text and --svg of the same log: the same parts, in words and alone
            svg = os.path.join(tmp, name + ".svg")
            p = subprocess.run([tool, "--text", "--svg", svg, log], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            text = p.stdout.decode().splitlines()
            try:
                root = ET.parse(svg).getroot()
                bands = root.findall("{http://www.w3.org/2000/svg}g")
                rects = sum(len(b.findall("{http://www.w3.org/2000/svg}rect")) for b in bands)
            except (ET.ParseError, OSError) as e:
                bands, rects = [], str(e)
            runs = sum(1 for f in snap["frames"] if f["state"] != "not-ram")
            zones_with = sum(1 for z in snap["zones"] if int(z["end"], 16) > int(z["start"], 16))
            reserved = sum(1 for line in out if re.match(r"^reserved: 0x", line))
            tap.check(p.returncode == 0 and
                      sum(1 for l in text if re.match(r"^task \d+ \(", l)) == len(snap["tasks"]) and
                      sum(1 for l in text if l.startswith("slab ")) == len(snap["slabs"]) and
                      sum(1 for l in text if re.match(r"^fault \d+: ", l)) == len(snap["faults"]) and
                      sum(1 for l in text if l.startswith("zone ")) == len(snap["zones"]),
                      "%s: --text: a line for every task, cache, fault and zone" % name,
                      "\n".join(text[:20]) + p.stderr.decode())
            tap.check(len(bands) == sum(1 for line in out if re.match(r"^memory: 0x", line)) and
                      rects == zones_with + runs + reserved,
                      "%s: --svg: a band per RAM range, with each zone, run of pages and "
                      "reserved range (%d)" % (name, zones_with + runs + reserved),
                      "%d bands, %r rects" % (len(bands), rects))
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
                bad = os.path.join(tmp, "bad.log")
                with open(bad, "w") as f:
                    f.write("\n".join(out[:begin + 3] + ["  \"zones\": [}"] + out[end:]) + "\n")
                p = subprocess.run([tool, "--html", os.path.join(tmp, "bad.html"), bad],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                tap.check(p.returncode == 1 and re.match(r"^tessera-mm: bad.log: the snapshot is "
                                                         r"not JSON: .*, \d+ bytes in\n$",
                                                         p.stderr.decode()),
                          "a snapshot that is not JSON: refused in one line saying where",
                          p.stderr.decode())
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
