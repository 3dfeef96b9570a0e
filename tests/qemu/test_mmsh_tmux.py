#!/usr/bin/env python3
"""The memory shell at a real terminal: keys typed into tmux, TAP.

usage: test_mmsh_tmux.py TOOLS_BOOT

tools/boot runs in a tmux pane (a private server, 200 columns, a long
history), as a person starts it; keys go in with send-keys, one line at a
time, each after the shell's next prompt, and the screen is read with
capture-pane.  What is checked, each against what the keys should do:
  - "zonex", Backspace, "s", Enter runs zones (the DMA32 line on screen);
  - "help slab", then Up and Enter runs it again from the history (two
    answers, and the recalled line echoed at the prompt);
  - "elp vmalloc", Home, "h" runs help vmalloc; "help slax", Left, Delete,
    End, "b" runs help slab (Ctrl-A is QEMU's key on its console);
  - "help fram", four Left, four Right, "e" runs help frame;
  - "help zoes", Left, Left, "n" runs help zones (a byte in the middle);
  - "garbage" then Ctrl-C: nothing runs (no line about garbage);
  - a 4 KiB line pasted at once ("sleep 0;" 500 times, then "help kill")
    arrives whole: help kill's answer and not one error line;
  - "exit 4" powers off, and tools/boot's status is 4.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402

WAIT = 120


class Pane:
    def __init__(self, tmp, command):
        self.sock = "tessera-test-%d" % os.getpid()
        conf = os.path.join(tmp, "tmux.conf")
        with open(conf, "w") as f:
            f.write("set -g history-limit 100000\n")
        self.base = ["tmux", "-L", self.sock, "-f", conf]
        subprocess.run(self.base + ["new-session", "-d", "-x", "200", "-y", "50", "-s", "t",
                                    command], check=True)

    def keys(self, *keys, literal=False):
        subprocess.run(self.base + ["send-keys", "-t", "t"] + (["-l"] if literal else []) +
                       list(keys), check=True)

    def paste(self, text):
        subprocess.run(self.base + ["set-buffer", "--", text], check=True)
        subprocess.run(self.base + ["paste-buffer", "-t", "t"], check=True)

    def screen(self):
        r = subprocess.run(self.base + ["capture-pane", "-p", "-J", "-S", "-", "-t", "t"],
                           stdout=subprocess.PIPE, check=False)
        return r.stdout.decode("utf-8", "replace")

    def wait_for(self, test):
        end = time.time() + WAIT
        while time.time() < end:
            text = self.screen()
            if test(text):
                return text
            time.sleep(0.2)
        return self.screen()

    def prompts(self, n):
        """Wait until the shell has prompted n times; the screen."""
        return self.wait_for(lambda text: text.count("mmsh> ") >= n)

    def close(self):
        subprocess.run(self.base + ["kill-server"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    tools_boot = sys.argv[1]
    tap = Tap("mmsh at a terminal (tmux)")
    with tempfile.TemporaryDirectory() as tmp:
        env = "TESSERA_BOOT_NO_SETUP=1 TESSERA_BUILD=%s" % os.environ.get("TESSERA_BUILD", "")
        pane = Pane(tmp, "sh -c '%s %s; echo tools/boot status $?; sleep 600'" % (env, tools_boot))
        try:
            text = pane.prompts(1)
            tap.check("mmsh> " in text, "tools/boot on a terminal: the shell's prompt",
                      text[-1500:])
            n = 1

            def line(*steps):
                nonlocal n
                for kind, what in steps:
                    if kind == "type":
                        pane.keys(what, literal=True)
                    else:
                        pane.keys(*what.split())
                pane.keys("Enter")
                n += 1
                return pane.prompts(n)

            text = line(("type", "zonex"), ("key", "BSpace"), ("type", "s"))
            tap.check("zone DMA32: 0x80000000-0x88000000, 32768 pages present" in text,
                      "zonex, Backspace, s: zones ran", text[-1500:])
            line(("type", "help slab"))
            text = line(("key", "Up"))
            tap.check(text.count("  every slab cache: object size") == 2 and
                      text.count("mmsh> help slab") == 2,
                      "help slab, then Up and Enter: run again from the history, the line "
                      "echoed", text[-1500:])
            text = line(("type", "elp vmalloc"), ("key", "Home"), ("type", "h"))
            tap.check("mmsh> help vmalloc" in text and "  the kernel's vmalloc areas" in text,
                      "Home then h: help vmalloc", text[-1500:])
            text = line(("type", "help slax"), ("key", "Left"), ("key", "DC"), ("key", "End"),
                        ("type", "b"))
            tap.check(text.count("  every slab cache: object size") == 3,
                      "Left, Delete, End, b: help slab", text[-1500:])
            text = line(("type", "help fram"), ("key", "Left Left Left Left"),
                        ("key", "Right Right Right Right"), ("type", "e"))
            tap.check("mmsh> help frame" in text and "frame PA\n" in text,
                      "four Left, four Right, e: help frame", text[-1500:])
            text = line(("type", "help zoes"), ("key", "Left Left"), ("type", "n"))
            tap.check("mmsh> help zones" in text and "  each zone: span" in text,
                      "a byte put in the middle: help zones", text[-1500:])
            pane.keys("garbage", literal=True)
            pane.keys("C-c")
            n += 1
            text = pane.prompts(n)
            tap.check("garbage^C" in text and "mmsh: garbage" not in text,
                      "Ctrl-C drops the line: nothing ran", text[-1500:])
            long_line = "sleep 0;" * 500 + "help kill"
            pane.paste(long_line)
            pane.keys("Enter")
            n += 1
            text = pane.prompts(n)
            after = text.split(long_line[-40:], 1)[-1] if long_line[-40:] in text else ""
            tap.check("kill TASK\n" in after and "mmsh:" not in after,
                      "a 4 KiB line pasted at once (%d bytes) arrives whole: its last "
                      "command ran, no error" % len(long_line), text[-1500:])
            pane.keys("exit 4", literal=True)
            pane.keys("Enter")
            text = pane.wait_for(lambda t: "tools/boot status" in t)
            tap.check("tools/boot status 4" in text and "run: mmsh exited with 4" in text,
                      "exit 4: powered off, tools/boot's status 4", text[-1500:])
        finally:
            pane.close()
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
