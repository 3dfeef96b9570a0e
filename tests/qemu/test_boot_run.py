#!/usr/bin/env python3
"""tools/boot --run PROG: TAP.

usage: test_boot_run.py TOOLS_BOOT TESSERA_CC HELLO_C NULL_DEREF_C DATA_FILE
                        MMAP_FILE_C MMAP_DATA

Builds hello.c and null_deref.c with tools/tessera-cc at test time, as anyone
would, and runs them with tools/boot --run: hello's own output, its run:
line and tools/boot's exit status 3 (hello returns 3), also on 4 harts
and in 12 MiB (in 8 MiB QEMU loads the initrd over the FDT: one line, exit 125); --file adds a file
to the initrd, and mmap_file.c opens and maps the one --file gives it;
a null dereference ends with 128 + 18 (EXIT_NOT_USER_MEMORY,
include/tessera/syscall.h) and the reason named; a file that is not an ELF
gives 126 and the pager's one line with the reason, and so do hello
for the wrong machine and hello cut short; arguments are refused
with one line (argv is not passed yet); a program that never ends is
stopped by --timeout (exit 124).
"""
import os
import re
import subprocess
import sys
import tempfile

TIMEOUT = 300


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402


def run(cmd, cwd):
    env = dict(os.environ, TESSERA_BOOT_NO_SETUP="1")
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    out = p.stdout.decode(errors="replace").replace("\r", "")
    err = p.stderr.decode(errors="replace").replace("\r", "")
    return p.returncode, out.splitlines(), err.splitlines()


def main():
    boot, cc, hello_c, null_c, data, mmap_c, mmap_data = sys.argv[1:8]
    tap = Tap("boot --run test")
    with tempfile.TemporaryDirectory() as tmp:
        for src, out in ((hello_c, "hello"), (null_c, "nd"), (mmap_c, "mmap-file")):
            p = subprocess.run([cc, src, "-o", out], cwd=tmp)
            tap.check(p.returncode == 0, "tessera-cc %s -o %s" % (os.path.basename(src), out))

        rc, out, err = run([boot, "--file", data, "--run", "hello"], tmp)
        tap.check(rc == 3, "hello: tools/boot exits with hello's status 3", "exit %d" % rc)
        tap.check("hello, world: argc 1, argv[argc] NULL" in out, "hello: its own output")
        tap.check("bye" in out, "hello: its last line")
        tap.check("run: hello exited with 3" in out, "hello: the run: line")
        tap.check("initrd file: %s 14" % os.path.basename(data) in out,
                  "--file: the file is in the initrd")
        tap.check("initrd: file hello replaces the built-in program of that name" in out,
                  "hello: the initrd's hello, not the built-in one")

        rc, out, err = run([boot, "--file", mmap_data, "--run", "mmap-file"], tmp)
        tap.check(rc == 0 and "mmap-file: 0 failures" in out
                  and "run: mmap-file exited with 0" in out,
                  "mmap-file --file %s: every check passes, exit 0" % os.path.basename(mmap_data),
                  "exit %d, %r" % (rc, [line for line in out if "failure" in line]))
        tap.check("mmap private: written \"Xine\"..'!'; the shared mapping \"line\", the file "
                  "\"line\"" in out, "mmap-file: the --file file mapped, its private copy written")

        for opts in (["-s", "4"], ["-m", "12M"]):
            rc, out, err = run([boot] + opts + ["--run", "hello"], tmp)
            tap.check(rc == 3 and "run: hello exited with 3" in out,
                      "hello with %s: exit 3 and the run: line" % " ".join(opts), "exit %d" % rc)
        # In 8 MiB QEMU 7.2 loads the initrd where the FDT goes and refuses to boot.
        rc, out, err = run([boot, "-m", "8M", "--run", "hello"], tmp)
        tap.check(rc == 125 and err[-1:] == [
            "tools/boot: --run: QEMU placed the initrd over another image (the FDT, in 8M of "
            "RAM) and did not boot: give it more memory (-m 12M or more)"],
                  "hello with -m 8M: QEMU's overlap named in one line, exit 125",
                  "exit %d, %r" % (rc, err[-1:]))

        rc, out, err = run([boot, "--run", "nd"], tmp)
        tap.check(rc == 128 + 18, "null dereference: exit 128 + 18 (EXIT_NOT_USER_MEMORY)",
                  "exit %d" % rc)
        tap.check("run: nd was ended: EXIT_NOT_USER_MEMORY" in out,
                  "null dereference: the run: line names the reason")
        tap.check("tools/boot: --run: nd was ended by the kernel: EXIT_NOT_USER_MEMORY "
                  "(exit status 128 + 18)" in err, "null dereference: tools/boot's line",
                  repr(err))

        garbage = os.path.join(tmp, "garbage")
        with open(garbage, "wb") as f:
            f.write(b"this is not an ELF file\n" * 100)
        rc, out, err = run([boot, "--run", garbage], tmp)
        tap.check(rc == 126, "garbage: exit 126", "exit %d" % rc)
        starts = [line for line in out if line.startswith("pager: cannot start garbage: ")]
        tap.check(starts == ["pager: cannot start garbage: not an ELF file (it does not "
                             "start with 0x7f 'E' 'L' 'F')"],
                  "garbage: one pager line with the reason", repr(starts))
        tap.check("run: garbage could not be started" in out, "garbage: the run: line")
        tap.check(err[-1:] == ["tools/boot: --run: garbage could not be started "
                               "(the pager's line above says why)"],
                  "garbage: tools/boot's line", repr(err))

        # hello with e_machine 62 (x86-64), and hello cut to 10000 bytes.
        with open(os.path.join(tmp, "hello"), "rb") as f:
            elf = f.read()
        broken = {"x86": (elf[:18] + (62).to_bytes(2, "little") + elf[20:],
                          "not for RISC-V (e_machine is not 243, EM_RISCV)"),
                  "cut": (elf[:10000],
                          "truncated: a segment's bytes run past the end of the file")}
        for name, (data, why) in broken.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
            rc, out, err = run([boot, "--run", name], tmp)
            tap.check(rc == 126, "%s: exit 126" % name, "exit %d" % rc)
            starts = [line for line in out if line.startswith("pager: cannot start ")]
            tap.check(starts == ["pager: cannot start %s: %s" % (name, why)],
                      "%s: the pager's line names the reason" % name, repr(starts))

        # A program that never ends: --timeout stops QEMU, exit 124, one line.
        with open(os.path.join(tmp, "spin.c"), "w") as f:
            f.write("int main(void) { for (;;) { } }\n")
        p = subprocess.run([cc, "spin.c", "-o", "spin"], cwd=tmp)
        tap.check(p.returncode == 0, "tessera-cc spin.c -o spin")
        rc, out, err = run([boot, "--timeout", "5", "--run", "spin"], tmp)
        tap.check(rc == 124, "spin: --timeout 5 ends it with exit 124", "exit %d" % rc)
        tap.check(err[-1:] == ["tools/boot: --run: no run: line from spin after 5 s: QEMU stopped"],
                  "spin: tools/boot's line", repr(err))

        rc, out, err = run([boot, "--run", "hello", "world"], tmp)
        tap.check(rc == 2 and err == ["tools/boot: --run: arguments are not passed yet (the "
                                      "spawner gives a program no argv): refusing 'world'"],
                  "arguments: refused in one line", "exit %d, %r" % (rc, err))
        tap.check(not any(re.match(r"^run: ", line) for line in out),
                  "arguments: nothing booted")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
