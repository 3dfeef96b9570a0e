"""tessera-mm --html's pages opened in a real browser, for the tests.

    dom, errors = render(chromium, page, png)   the page's DOM after its script ran
    check_page(tap, what, dom, errors, expect)   its parts against expect

Chromium (Debian's package) runs headless on the page's file:// address:
once to dump the DOM its script built, once for a screenshot (PNG, kept
with the test logs).  The page reports its own script errors in #errors
(window.onerror), which must stay empty, and marks the end of its drawing
with data-drawn="yes" on <body>.

expect (each optional): bands (RAM ranges drawn), zones (names of zones
with memory), frames (runs of pages that are RAM), tasks (ids), slabs
(caches), faults (traced faults), leaves ({task id: leaves}), step (what
the first fault's step must say of its region).  Each is computed by the caller from the input, not
from the page.
"""
import html
import os
import re
import subprocess

TIMEOUT = 120


def render(chromium, page, png=None):
    """(the DOM as text, chromium's complaints that are not the sandbox's
    noise), after the page's script ran; and a screenshot in png."""
    url = "file://" + os.path.abspath(page)
    base = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-dev-shm-usage"]
    shot = ["--window-size=1200,3000", "--screenshot=" + png] if png else []
    p = subprocess.run(base + shot + ["--dump-dom", url], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    dom = p.stdout.decode("utf-8", "replace")
    complaints = [line for line in p.stderr.decode("utf-8", "replace").splitlines()
                  if "CONSOLE" in line or "Uncaught" in line]
    return dom, complaints


def count(dom, pattern):
    return len(re.findall(pattern, dom))


def check_page(tap, what, dom, complaints, expect):
    errors = re.search(r'<p id="errors">([^<]*)</p>', dom)
    tap.check('data-drawn="yes"' in dom and errors is not None and not errors.group(1).strip()
              and not complaints,
              "%s: the page drew itself, with no script error" % what,
              "%s\n%s" % (html.unescape(errors.group(1)) if errors else "(no #errors)",
                          "\n".join(complaints)))
    if "bands" in expect:
        got = count(dom, r'<svg [^>]*class="band"')
        tap.check(got == expect["bands"], "%s: a band for each of the %d RAM ranges" %
                  (what, expect["bands"]), "%d bands" % got)
    if "zones" in expect:
        got = sorted(set(re.findall(r'<div class="zone" data-zone="(\w+)"', dom)))
        tap.check(got == sorted(expect["zones"]), "%s: a free-list picture for each zone "
                  "with memory (%s)" % (what, ", ".join(sorted(expect["zones"]))), repr(got))
    if "tasks" in expect:
        got = sorted(int(t) for t in re.findall(r'<div class="task" data-task="(\d+)"', dom))
        tap.check(got == sorted(expect["tasks"]), "%s: every task (%d)" %
                  (what, len(expect["tasks"])), repr(got))
    if "frames" in expect:
        got = count(dom, r'<rect [^>]*class="frames"')
        tap.check(got == expect["frames"], "%s: every run of pages alike drawn (%d)" %
                  (what, expect["frames"]), "%d drawn" % got)
    if "slabs" in expect:
        got = count(dom, r'<g class="slab" data-cache=')
        tap.check(got == expect["slabs"], "%s: every slab cache (%d)" % (what, expect["slabs"]),
                  "%d drawn" % got)
    if "faults" in expect:
        table = re.search(r'<table class="fault-table">(.*?)</table>', dom, re.S)
        got = count(table.group(1), r"<tr>") - 1 if table else 0
        tap.check(got == expect["faults"], "%s: a row for each of the %d faults traced" %
                  (what, expect["faults"]), "%d rows" % got)
    if "step" in expect:
        step = re.search(r'<p id="fault-step">([^<]*)</p>', dom)
        tap.check(step is not None and expect["step"] in html.unescape(step.group(1)) and
                  'class="region fault-region"' in dom,
                  "%s: the first fault's step names its region (%s) and marks it" %
                  (what, expect["step"]), step.group(1) if step else "(no step)")
    if "leaves" in expect:
        got = {int(t): int(n) for t, n in
               re.findall(r'<div class="task" data-task="(\d+)">.*?data-leaves="(\d+)"', dom, re.S)}
        tap.check(all(got.get(t) == n for t, n in expect["leaves"].items()),
                  "%s: each task's page table with its leaves" % what,
                  "want %r, got %r" % (expect["leaves"], got))
