#!/usr/bin/env python3
"""tessera-mm --html on device trees, opened in Chromium, TAP.

usage: test_pictures_trees.py TESSERA_MM CHROMIUM OUT_DIR TREE.dtb...

For each tree: tessera-mm's report (without --html) says how many RAM
ranges and which zones with memory the kernel would have; the page drawn
from the same tree must show exactly those (a band per range, a free-list
picture per zone) and run its script without an error.  A tree the kernel
cannot boot on still gets its page (exit status 3); a malformed one gets
none (1), and the page's file is not written.  Screenshots go to OUT_DIR.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from pictures import render, check_page  # noqa: E402


def main():
    tool, chromium, out_dir = sys.argv[1:4]
    trees = sys.argv[4:]
    tap = Tap("pictures of trees")
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for tree in trees:
            name = os.path.basename(tree)
            report = subprocess.run([tool, tree], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            text = report.stdout.decode()
            page = os.path.join(tmp, name + ".html")
            p = subprocess.run([tool, "--html", page, tree], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            if report.returncode == 1:
                tap.check(p.returncode == 1 and not os.path.exists(page),
                          "%s: a malformed tree: no page, exit status 1" % name)
                continue
            tap.check(p.returncode == report.returncode and os.path.exists(page) and
                      p.stdout.decode() == text,
                      "%s: the page written, the report and exit status (%d) as without it" %
                      (name, report.returncode), p.stderr.decode())
            if not os.path.exists(page):
                continue
            memory = re.findall(r"^memory: ", text, re.M)
            zones = re.findall(r"^zone (\w+): 0x", text, re.M)
            dom, complaints = render(chromium, page, os.path.join(out_dir, name + ".png"))
            check_page(tap, name, dom, complaints, {"bands": len(memory), "zones": zones})
            p = subprocess.run([tool, "--text", tree], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            words = p.stdout.decode()[len(text):]
            tap.check(p.stdout.decode().startswith(text) and
                      len(re.findall(r"^memory: RAM 0x", words, re.M)) == len(memory) and
                      re.findall(r"^zone (\w+): 0x", words, re.M) == zones,
                      "%s: --text: the report, then a line per RAM range and per zone" % name,
                      words)
        p = subprocess.run([tool, "--html", os.path.join(tmp, "x.html"), "/dev/null"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        tap.check(p.returncode == 1 and p.stderr.decode().count("\n") == 1 and
                  "no boot report" in p.stderr.decode(),
                  "an empty file: one line saying there is nothing to draw", p.stderr.decode())
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
