#!/usr/bin/env python3
"""tessera-mm on hostile logs: 300 broken and strange snapshots, TAP.

usage: test_mm_json_fuzz.py TESSERA_MM

A log is the boot report's lines and a snapshot between its markers; here
the snapshot is made up (seeded) and then broken: cut at a random byte,
bytes flipped, brackets nested 10,000 deep, numbers of 40 digits, escapes
cut short, "</script>" in a task's name.  tessera-mm --html --svg --text
must answer each with exit status 0 (drawn) or 1 and one line saying why,
never a crash or a sanitizer's report (the test runs tessera-mm-sanitized, built with ASan and UBSan);
and no name can end the page's data script early.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402

RUNS = 300
BOOT = "paging: sv48\nmemory: 0x80000000-0x88000000\nreserved: 0x80200000-0x803fe000 kernel\n"


def snapshot(rnd, name):
    return {"schema": "tessera-snapshot", "version": 1, "paging": "Sv48",
            "zones": [{"name": "DMA32", "start": "0x80000000", "end": "0x88000000", "present": 32768,
                       "free": 100, "cached": 0, "free_blocks": [100], "watermarks":
                       {"min": 1, "low": 2, "high": 3}}],
            "frames": [{"start": "0x80000000", "pages": 32768, "state": "free", "order": 0}],
            "slabs": [{"name": "kmalloc-8", "object_size": 8, "active": 1, "total": 2, "cached": 0}],
            "vmalloc": {"areas": []},
            "tasks": [{"id": 1, "name": name, "ended": False, "levels": 4, "user_pages": 1,
                       "table_pages": 1, "faults": 0, "threads": {"running": 1},
                       "pager": {"regions": [{"start": "0x10000", "end": "0x11000", "rights": "r-x",
                                              "kind": "text", "shared": False, "resident": 1}]},
                       "leaves": [{"va": "0x10000", "pa": "0x80400000", "size": 4096,
                                   "pte": "0x1", "tables": ["0x80500000"] * rnd.randrange(1, 5)}]}],
            "faults": [{"seq": 0, "task": 1, "thread": 1, "addr": "0x10000", "pc": "0x10000",
                        "access": "execute", "outcome": "mapped", "decision": "file", "around": 0,
                        "kill_reason": 0, "pa": "0x80400000", "pte": "0x1", "instructions": None}]}


def broken(rnd, text):
    kind = rnd.randrange(6)
    if kind == 0:
        return text[:rnd.randrange(len(text))]
    if kind == 1:
        b = bytearray(text.encode())
        for _ in range(rnd.randrange(1, 8)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return b.decode("latin-1")
    if kind == 2:
        return "[" * 10000 + "]" * rnd.choice([10000, 9999, 0])
    if kind == 3:
        return text.replace('"present": 32768', '"present": ' + "9" * 40)
    if kind == 4:
        return text.replace('"DMA32"', '"\\u00')
    return text


def main():
    tool = sys.argv[1]
    rnd = random.Random(0x6a736f6e)
    template_scripts = None
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        log, page, svg = (os.path.join(tmp, n) for n in ("x.log", "x.html", "x.svg"))
        for i in range(RUNS):
            name = rnd.choice(["init", "</script><script>alert(1)</script>", "a\"b\\c", "\u00e9t\u00e9"])
            text = broken(rnd, json.dumps(snapshot(rnd, name), indent=1))
            with open(log, "w", encoding="latin-1", errors="replace") as f:
                f.write(BOOT + "--- tessera snapshot begin ---\n" + text +
                        "\n--- tessera snapshot end ---\n")
            for path in (page, svg):
                if os.path.exists(path):
                    os.remove(path)
            p = subprocess.run([tool, "--html", page, "--svg", svg, "--text", log],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            err = p.stderr.decode("utf-8", "replace")
            if p.returncode not in (0, 1) or "Sanitizer" in err or "runtime error" in err or \
               (p.returncode == 1 and err.count("\n") != 1) or (p.returncode == 0 and err):
                bad.append("run %d: exit %d: %s" % (i, p.returncode, err[:300]))
                continue
            if p.returncode == 0:
                html = open(page, encoding="utf-8", errors="replace").read()
                if template_scripts is None:
                    template_scripts = html.lower().count("</script>")
                if html.lower().count("</script>") != template_scripts:
                    bad.append("run %d: a name ended the data script early" % i)
    tap = Tap("tessera-mm on hostile logs")
    tap.check(not bad, "%d made-up and broken snapshots: each drawn or refused in one line, no "
              "crash, no sanitizer report, no script ended early" % RUNS, "\n".join(bad[:10]))
    tap.check(template_scripts is not None, "some of them were drawn (the check above saw pages)")
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
