#!/usr/bin/env python3
"""tools/boot's stdin is the console's input: TAP.

usage: test_boot_stdin.py TOOLS_BOOT TESSERA_CC STDIN_COUNT_C

Builds tests/programs/stdin_count.c with tools/tessera-cc at test time and
runs it with tools/boot --run, its stdin a pipe, a file, empty, or a
terminal (a pty, typed at once the kernel is up: the kernel's editing and
echo, and Ctrl-D for the end of file).  What it
must print is computed here, from the bytes sent (a model of what the
program counts: FNV-1a hashes, lines, words), not by any code under test.
Checks: every byte arrives, Ctrl-A (QEMU's escape under -nographic) and a
line longer than the console's 4096-byte line buffer included; the end of
the input is the program's end of file (with a last line that has no
newline too); console_echo=off is on the kernel command line and nothing
read is echoed; tools/boot exits with the program's status; a timeout
around tools/boot leaves no QEMU behind.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

WHITESPACE = b" \t\n\v\f\r"     # C's isspace in the "C" locale

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from qemu.tools_boot import boot, on_terminal  # noqa: E402


def fnv(data, h=2166136261):
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def expected(data):
    """The lines stdin-count prints for input `data`."""
    lines = data.split(b"\n")
    complete, last = lines[:-1], lines[-1]
    shown = complete + ([last] if last else [])
    out = ["line %d: %d bytes, hash %08x" % (i + 1, len(l), fnv(l))
           for i, l in enumerate(shown[:12])]
    words = len(data.split())     # bytes.split() splits on C's whitespace
    out.append("bytes %d, lines %d, words %d, hash %08x" % (len(data), len(complete), words,
                                                         fnv(data)))
    longest = max(shown, key=len) if shown else b""
    for l in shown:               # the first of the longest
        if len(l) == len(longest):
            longest = l
            break
    out.append("longest line: %d bytes: %s" % (len(longest), longest.decode("latin-1")))
    return out


def boot_stdin_count(tools_boot, tmp, stdin):
    """tools/boot --run stdin-count with stdin; (exit status, console lines)."""
    rc, out, _ = boot([tools_boot, "--run", "stdin-count"], tmp, stdin)
    return rc, out


def typed_once_up(keys):
    """A respond() for on_terminal: keys, once the kernel's first line is out."""
    state = {"typed": False}

    def respond(out):
        if state["typed"] or b"\nTessera " not in out:
            return None
        state["typed"] = True
        return keys
    return respond


def main():
    tools_boot, cc, src = sys.argv[1:4]
    tap = Tap("tools/boot stdin test")
    assert bytes(WHITESPACE).split() == []   # bytes.split() knows C's whitespace
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([cc, "-O2", src, "-o", "stdin-count"], cwd=tmp)
        tap.check(p.returncode == 0, "tessera-cc stdin_count.c -o stdin-count")
        long_line = bytes(0x21 + (i * 7) % 94 for i in range(5000))
        cases = [
            ("a pipe of two lines", b"a\nb c\n", "pipe"),
            ("a file: Ctrl-A, UTF-8, a 5000-byte line, no last newline",
             b"one \x01 two\x01\n" + "caf\u00e9\n".encode() + long_line + b"\n\tend", "file"),
            ("empty stdin", b"", "devnull"),
        ]
        for what, data, how in cases:
            if how == "pipe":
                r, w = os.pipe()
                os.write(w, data)
                os.close(w)
                stdin = r
            elif how == "file":
                path = os.path.join(tmp, "input")
                with open(path, "wb") as f:
                    f.write(data)
                stdin = open(path, "rb")
            else:
                stdin = subprocess.DEVNULL
            rc, out = boot_stdin_count(tools_boot, tmp, stdin)
            if how == "pipe":
                os.close(r)
            elif how == "file":
                stdin.close()
            want = expected(data)
            missing = [l[:100] for l in want if l not in out]
            tap.check(not missing, "%s: stdin-count counts every byte" % what,
                      "missing: %r" % missing)
            tap.check(rc == 0 and "run: stdin-count exited with 0" in out,
                      "%s: exit 0 and the run: line" % what, "exit %d" % rc)
            tap.check(any(l.startswith("cmdline: ") and "console_echo=off" in l for l in out),
                      "%s: the kernel word console_echo=off" % what)
            echoed = [l for l in data.decode("latin-1").split("\n") if len(l) > 2 and l in out]
            tap.check(not echoed, "%s: nothing echoed" % what, repr(echoed[:3]))

        # A terminal: DEL erases three bytes, Ctrl-U the line, CR is NL,
        # Ctrl-D on an empty line ends the input; the kernel echoes.
        keys = b"hello wor\x7f\x7f\x7fxyz\rtwo\x15second line\r\x04"
        typed = b"hello xyz\nsecond line\n"
        rc, text = on_terminal([tools_boot, "--run", "stdin-count"], tmp, typed_once_up(keys))
        out = text.splitlines()
        missing = [l for l in expected(typed) if l not in out]
        tap.check(not missing, "a terminal: stdin-count reads the edited lines",
                  "missing: %r" % missing)
        tap.check(rc == 0 and "run: stdin-count exited with 0" in out,
                  "a terminal: exit 0 and the run: line", "exit %d" % rc)
        echo = ["hello wor" + "\b \b" * 3 + "xyz", "two" + "\b \b" * 3 + "second line"]
        tap.check(all(l in out for l in echo), "a terminal: the kernel echoes the editing",
                  repr([l for l in out if "second" in l or "hello" in l]))

        # A timeout around tools/boot, on a pipe that never ends: the signal
        # to its process group ends QEMU too (it once outlived tools/boot).
        # Its QEMU is known by a RAM size no other test boots with.
        marker = "131M"
        r, w = os.pipe()
        rc, _, _ = boot(["timeout", "10", tools_boot, "-m", marker, "--shell"], tmp, r)
        os.close(r)
        time.sleep(2)
        left = qemu_with(marker)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        os.close(w)
        tap.check(rc == 124 and not left,
                  "timeout 10 tools/boot -m 131M --shell on an open pipe: exit 124, no QEMU left",
                  "exit %d, QEMU left: %r" % (rc, left))
    return tap.done()


def qemu_with(word):
    """Pids of the QEMU processes with `word` among their arguments."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().split(b"\0")
        except (OSError, ValueError):
            continue
        if argv and argv[0].endswith(b"qemu-system-riscv64") and word.encode() in argv:
            pids.append(int(entry))
    return pids


if __name__ == "__main__":
    sys.exit(main())
