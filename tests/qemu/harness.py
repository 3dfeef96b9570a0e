#!/usr/bin/env python3
"""Boot Tessera under QEMU, read what it prints on the serial port, check it.

Every QEMU test goes through this harness.  It starts QEMU, reads the serial
output line by line, stops when the kernel prints its final line (or QEMU
exits), and reports TAP that meson reads:

  - the boot reached a final line before the timeout (a hang is a failure);
  - no kernel trap report or panic unless --expect-trap;
  - every --expect regex matched a line; no --forbid regex did;
  - QEMU's exit status, when --expect-exit is given;
  - with --selftest, every in-kernel test line ("ok N - name") is passed
    through as a check of its own and the summary must say "0 failed".

With --uboot it boots through U-Boot instead: U-Boot runs as the S-mode
payload of OpenSBI, Tessera's raw image is put into RAM by QEMU's loader
device, and the harness types `booti <addr> - ${fdtcontroladdr}` at the
U-Boot prompt, as a person would on a board.  With --initrd as well, the
loader puts the initrd at --initrd-addr and the harness types
`booti <addr> <initrd-addr>:<size> ${fdtcontroladdr}`: U-Boot then writes
/chosen linux,initrd-start/-end (and a memreserve of it) as on a board.

With --stdin FILE, the file's bytes are the console's input: written to
QEMU's serial (its stdin) once the kernel's first line is out (or a line
matching --stdin-after), then two
Ctrl-D, which end the input in the console's canonical mode (one ends a
last line that has no newline, the next is the end of file).  Not before:
a byte QEMU hands the UART while the firmware sets it up is lost (OpenSBI
turns the FIFO on, which empties it).  QEMU takes bytes from its stdin only
as the UART's FIFO has room, so none is lost while the kernel does not read.

The whole serial log is written to <log-dir>/<name>.log.

A boot that prints nothing for --max-silence seconds is stopped as hung
(off by default: only --timeout).  The first line it prints gives the boot's
longest silence.

When a check fails, the harness says why on stderr (meson's --print-errorlogs
shows only a TAP test's stderr): the failed checks, how the boot stopped and,
on a timeout, how long the console had been silent; the last console lines;
and every kernel backtrace (and trap report's sepc and ra) symbolized with
the ELF it booted (riscv64-unknown-elf-addr2line -f -i -e tessera.elf).
They are symbolized on stdout (as TAP comments) on every boot.
"""
import argparse
import atexit
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

FINAL_LINE = r"^tessera: (halting|the firmware cannot power off)"
KERNEL_FIRST_LINE = r"^Tessera .* on hart \d+"
TRAP_LINE = r"^(KERNEL TRAP:|panic:)"
PARKED_LINE = r"^tessera: the firmware cannot power off"
SELFTEST_LINE = re.compile(r"^(not ok|ok) (\d+) - (.*)$")
SUMMARY_LINE = re.compile(r"^(\d+) passed, (\d+) failed$")
GRACE_SECONDS = 3  # after the final line, how long QEMU may take to exit
TAIL_LINES = 25    # console lines a failure report shows
# meson --print-errorlogs shows the last 100 lines of a log: the report keeps
# under that by listing a few failed checks with a few lines of detail each.
REPORT_FAILURES = 5
REPORT_DETAIL_LINES = 8
# A backtrace frame as arch/riscv/trap.c prints it: "  #1 0xffffffff80201234".
FRAME_LINE = re.compile(r"^  #(\d+) 0x([0-9a-f]+)$")
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", required=True, help="test name (log file name)")
    p.add_argument("--qemu", default="qemu-system-riscv64")
    p.add_argument("--kernel", help="tessera.elf, booted with -kernel")
    p.add_argument("--machine", default="virt")
    p.add_argument("--cpu")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--memory", default="128M")
    p.add_argument("--append", default="", help="kernel command line")
    p.add_argument("--dtb", help="device tree passed with -dtb")
    p.add_argument("--initrd", help="file loaded with -initrd (QEMU names it in "
                   "/chosen linux,initrd-start/-end); with --uboot, by the loader "
                   "device at --initrd-addr and passed to booti")
    p.add_argument("--initrd-addr", default="0x86000000",
                   help="where the loader puts --initrd for --uboot")
    p.add_argument("--icount", action="store_true",
                   help="-icount shift=0,sleep=off: exact instruction counts")
    p.add_argument("--uboot", help="U-Boot S-mode image: boot through booti")
    p.add_argument("--image", help="raw tessera image for --uboot")
    p.add_argument("--uboot-tftp", metavar="DIR",
                   help="with --uboot: boot by PXE from QEMU's TFTP server serving DIR "
                        "(pxelinux.cfg/default, an extlinux.conf), not booti")
    p.add_argument("--image-addr", default="0x84000000",
                   help="where QEMU's loader puts the raw image")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--max-silence", type=float, default=0, metavar="SECONDS",
                   help="stop as hung after this long without output (0: only --timeout)")
    p.add_argument("--expect", action="append", default=[], metavar="REGEX")
    p.add_argument("--forbid", action="append", default=[], metavar="REGEX")
    p.add_argument("--expect-exit", type=int, help="QEMU's exit status")
    p.add_argument("--expect-trap", action="store_true",
                   help="the kernel is meant to report a trap or panic")
    p.add_argument("--selftest", action="store_true",
                   help="check the in-kernel self-test lines and summary")
    p.add_argument("--stdin", metavar="FILE",
                   help="the console's input: FILE's bytes, then Ctrl-D Ctrl-D")
    p.add_argument("--stdin-after", metavar="REGEX", default=KERNEL_FIRST_LINE,
                   help="--stdin is typed once a line matches (default: the kernel's first)")
    p.add_argument("--log-dir", default=".")
    p.add_argument("--print-value", action="append", default=[], metavar="REGEX",
                   help="print the first group of REGEX as a measurement")
    p.add_argument("--addr2line", default="riscv64-unknown-elf-addr2line",
                   help="addr2line for --kernel: symbolizes backtraces")
    return p.parse_args(argv)


def initrd_args(a):
    """-initrd, or where QEMU would load it over the tree (8 MiB), the
    loader and a tree naming it: tools/qemu-initrd decides."""
    place = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                         "tools", "qemu-initrd")
    work = tempfile.mkdtemp(prefix="tessera-initrd-")
    atexit.register(shutil.rmtree, work, True)
    cmd = [place, "--qemu", a.qemu, "--machine", a.machine, "--memory", a.memory,
           "--smp", str(a.smp), "--kernel", a.kernel, "--initrd", a.initrd, "--dir", work]
    if a.dtb:
        cmd += ["--dtb", a.dtb]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("harness: " + r.stderr.strip())
    return r.stdout.split("\n")[:-1]


def qemu_command(a):
    cmd = [a.qemu, "-M", a.machine, "-m", a.memory, "-smp", str(a.smp),
           "-bios", "default", "-display", "none", "-serial", "stdio",
           "-monitor", "none", "-nic", "none", "-no-reboot"]
    if a.cpu:
        cmd += ["-cpu", a.cpu]
    if a.dtb and not (a.initrd and not a.uboot):
        cmd += ["-dtb", a.dtb]
    if a.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if a.uboot and a.uboot_tftp:
        cmd += ["-kernel", a.uboot, "-netdev", "user,id=net0,tftp=%s" % a.uboot_tftp,
                "-device", "virtio-net-device,netdev=net0"]
    elif a.uboot:
        cmd += ["-kernel", a.uboot,
                "-device", "loader,file=%s,addr=%s,force-raw=on" % (a.image, a.image_addr)]
        if a.initrd:
            cmd += ["-device", "loader,file=%s,addr=%s,force-raw=on" % (a.initrd,
                                                                     a.initrd_addr)]
    else:
        cmd += ["-kernel", a.kernel]
        if a.initrd:
            cmd += initrd_args(a)   # with the --dtb tree, if any
        if a.append:
            cmd += ["-append", a.append]
    return cmd


class Serial:
    """QEMU's serial output, read without blocking, split into lines."""

    def __init__(self, proc):
        self.proc = proc
        self.pending = ""   # text after the last newline (e.g. a prompt)
        self.lines = []
        self.last_output_at = None  # time.monotonic() of the last byte read
        self.longest_silence = 0.0  # the longest wait for output so far, in s
        self.longest_silence_after = None  # the line before it (None: the start)

    def read(self, timeout):
        """Read what is there within `timeout` seconds; returns new lines."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return []
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return None  # QEMU closed its output: it exited
        self.note_output(time.monotonic())
        self.pending += data.decode("utf-8", "replace").replace("\r", "")
        *complete, self.pending = self.pending.split("\n")
        self.lines += complete
        return complete

    def note_output(self, now, started=None):
        """Output came at `now` (the start, the first time: `started`)."""
        before = self.last_output_at if self.last_output_at is not None else started
        if before is not None and now - before > self.longest_silence:
            self.longest_silence = now - before
            self.longest_silence_after = self.last_line()
        self.last_output_at = now

    def last_line(self):
        """The last line read so far, whole or not (None before any)."""
        return self.pending or (self.lines[-1] if self.lines else None)

    def silent_for(self, now, started):
        """Seconds since the last output (since `started` before any)."""
        return now - (self.last_output_at if self.last_output_at is not None else started)

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()


class UBootDriver:
    """Types at the U-Boot prompt: stop autoboot, then booti."""

    def __init__(self, args):
        bootargs = args.append.replace('"', '')
        initrd = "-"
        if args.initrd:
            initrd = "%s:0x%x" % (args.initrd_addr, os.path.getsize(args.initrd))
        self.steps = [
            (re.compile(r"Hit any key to stop autoboot"), "\n"),
            (re.compile(r"=> $"), 'setenv bootargs "%s"\n' % bootargs),
            (re.compile(r"=> $"), "booti %s %s ${fdtcontroladdr}\n" % (args.image_addr,
                                                                       initrd)),
        ]
        if args.uboot_tftp:     # as a board boots over the network: DHCP, then PXE
            self.steps[1:] = [(re.compile(r"=> $"), "setenv autoload no; setenv pxefile_addr_r "
                                                     "0x86000000; dhcp; pxe get; pxe boot\n")]

    def poll(self, serial):
        if not self.steps:
            return
        pattern, text = self.steps[0]
        if pattern.search(serial.pending) or any(pattern.search(l) for l in serial.lines[-1:]):
            serial.lines.append("# harness typed: " + text.strip())
            serial.pending = ""
            serial.send(text)
            self.steps.pop(0)


class Boot:
    """What run_qemu saw: the console lines, QEMU's exit status (None if the
    harness killed it), why it stopped, and when (seconds after the start)
    the final line came and the last output was read (None if never)."""

    def __init__(self, lines, status, stop, final_at, last_output_at, ended_at,
                 longest_silence):
        self.lines = lines
        # (seconds, the line before it or None for the start), the end included
        self.longest_silence = longest_silence
        self.status = status
        self.stop = stop
        self.final_at = final_at
        self.last_output_at = last_output_at
        self.ended_at = ended_at

    def how_it_stopped(self):
        """One line: how the boot ended and, unless it ended cleanly, how
        long the console had been silent by then."""
        what = "%s after %.1f s" % (self.stop, self.ended_at)
        if self.final_at is not None:
            return what
        if self.last_output_at is None:
            return what + "; no output at all"
        return what + "; no output for the last %.1f s (the last at %.1f s)" % (
            self.ended_at - self.last_output_at, self.last_output_at)


# Ctrl-D twice: ends a last line without a newline, then is the end of file.
END_OF_INPUT = b"\x04\x04"


def feed_input(proc, path):
    """Write path's bytes and END_OF_INPUT to QEMU's stdin, from a thread
    (a pipe holds only so much until the kernel reads), keeping it open."""
    with open(path, "rb") as f:
        data = f.read() + END_OF_INPUT

    def write():
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # QEMU ended first: the checks say what it printed
    threading.Thread(target=write, daemon=True).start()


def run_qemu(a):
    """Boot; returns a Boot."""
    started = time.monotonic()
    proc = subprocess.Popen(qemu_command(a), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    serial = Serial(proc)
    driver = UBootDriver(a) if a.uboot else None
    input_waiting = a.stdin
    deadline = started + a.timeout
    final_at = None
    stop = "timeout"
    try:
        while time.monotonic() < deadline:
            if a.max_silence and serial.silent_for(time.monotonic(), started) > a.max_silence:
                stop = "hung (no output for %g s, --max-silence)" % a.max_silence
                break
            if final_at and time.monotonic() > final_at + GRACE_SECONDS:
                stop = "final line"
                break
            new = serial.read(0.2)
            if new is None:
                stop = "qemu exited"
                break
            if driver:
                driver.poll(serial)
            if input_waiting and any(re.search(a.stdin_after, l) for l in new):
                feed_input(proc, input_waiting)
                input_waiting = None
            if final_at is None and any(re.search(FINAL_LINE, l) for l in new):
                final_at = time.monotonic()
            if any(re.search(PARKED_LINE, l) for l in new):
                stop = "final line"
                break
    finally:
        if stop == "qemu exited":
            try:  # output closed: give the process a moment to be reaped
                proc.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        killed = proc.poll() is None
        if killed:
            proc.kill()
        status = proc.wait()
    ended_at = time.monotonic() - started
    # The silence up to the end counts too (a hang's is the longest).
    silence = (serial.longest_silence, serial.longest_silence_after)
    if serial.silent_for(started + ended_at, started) > silence[0]:
        silence = (serial.silent_for(started + ended_at, started), serial.last_line())
    if serial.pending:
        serial.lines.append(serial.pending)
    if stop == "qemu exited" and final_at is None:
        stop = "qemu exited before the final line"

    def since_start(t):
        return None if t is None else t - started
    # A QEMU the harness had to kill has no exit status of its own.
    return Boot(serial.lines, None if killed else status, stop, since_start(final_at),
                since_start(serial.last_output_at), ended_at, silence)


def source_path(path):
    """A path addr2line printed, relative to the source tree when inside it."""
    path = os.path.normpath(path)
    rel = os.path.relpath(path, SOURCE_ROOT)
    return path if rel.startswith("..") else rel


def symbolize(addr2line, elf, frames):
    """frames: [(label, address, exact)], exact False for a return address
    (looked up one byte back: inside the call).  Returns the lines
    "  LABEL 0xADDR FUNCTION at FILE:LINE", an inlined call adding
    "      inlined in FUNCTION at FILE:LINE"; or one line saying why not."""
    tool = shutil.which(addr2line)
    if not tool:
        return ["  (not symbolized: %s not found)" % addr2line]
    if not elf or not os.path.exists(elf):
        return ["  (not symbolized: no kernel ELF %s)" % elf]
    # One address at a time: with -i an address gives one line or more.
    out = []
    for label, addr, exact in frames:
        r = subprocess.run([tool, "-f", "-i", "-e", elf, "0x%x" % (addr if exact else addr - 1)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        found = r.stdout.decode("utf-8", "replace").splitlines()
        if r.returncode != 0 or len(found) < 2:
            out.append("  %s 0x%016x (addr2line: %s)" % (label, addr, " ".join(found)))
            continue
        for i in range(0, len(found) - 1, 2):
            where = "%s at %s" % (found[i], source_path(found[i + 1]))
            out.append(("  %s 0x%016x %s" % (label, addr, where)) if i == 0
                       else "      inlined in " + where)
    return out


def backtraces(lines):
    """The kernel's backtraces: for each "backtrace:" line, its frames as
    [(label, address, exact)].  Frame #0 is the trapping pc (exact) after a
    KERNEL TRAP report, a return address after a panic; the others are
    return addresses."""
    found = []
    after_trap = False
    for i, line in enumerate(lines):
        if re.search(TRAP_LINE, line):
            after_trap = line.startswith("KERNEL TRAP:")
        if line != "backtrace:":
            continue
        frames = []
        for frame in lines[i + 1:]:
            m = FRAME_LINE.match(frame)
            if not m:
                break
            n = int(m.group(1))
            frames.append(("#%d" % n, int(m.group(2), 16), n == 0 and after_trap))
        found.append(frames)
    return found


def trap_registers(lines):
    """The pc and ra of each KERNEL TRAP report (arch/riscv/trap.c: "sepc
    0x..." and "ra   0x..." in the lines after it; the stack-overflow report
    has no backtrace, only these) as [(label, address, exact)] per report."""
    found = []
    for i, line in enumerate(lines):
        if not line.startswith("KERNEL TRAP:"):
            continue
        regs = []
        for after in lines[i + 1:i + 5]:
            for label, exact in (("sepc", True), ("ra", False)):
                m = re.search(r"\b%s +0x([0-9a-f]+)" % label, after)
                if m and not any(r[0] == label for r in regs):
                    regs.append((label, int(m.group(1), 16), exact))
        found.append(regs)
    return found


def symbolized_backtraces(a, lines):
    """Lines that show every trap report's pc and ra and every backtrace in
    `lines` symbolized (none: [])."""
    out = []
    for regs in trap_registers(lines):
        out.append("trap report, symbolized with %s:" % a.kernel)
        out += symbolize(a.addr2line, a.kernel, regs)
    for frames in backtraces(lines):
        out.append("backtrace, symbolized with %s:" % a.kernel)
        out += symbolize(a.addr2line, a.kernel, frames)
    return out


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.failures = []  # (what, detail for the report) of each failed check

    def check(self, ok, what, detail=None, report_detail=False):
        """One TAP line; a failure's detail goes to stdout as comments, and
        with report_detail into the failure report too."""
        self.n += 1
        self.failed += not ok
        if not ok:
            self.failures.append((what, detail if report_detail else None))
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, what))
        if not ok and detail:
            for line in detail.splitlines():
                print("#   " + line)
        sys.stdout.flush()

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


def check_selftests(tap, lines):
    """Pass each in-kernel test result through, a failed one with what the
    kernel printed since the result before it; check the summary line."""
    seen = 0
    summary = None
    since = 0  # index of the first line after the previous result
    for i, line in enumerate(lines):
        m = SELFTEST_LINE.match(line)
        if m:
            seen += 1
            output = lines[since:i][-TAIL_LINES:]
            tap.check(m.group(1) == "ok", "kernel: " + m.group(3),
                      "\n".join(output) if output else "(no output of its own)",
                      report_detail=True)
            since = i + 1
        m = SUMMARY_LINE.match(line)
        if m:
            summary = (int(m.group(1)), int(m.group(2)))
    tap.check(seen > 0, "kernel printed self-test results")
    tap.check(summary is not None and summary[1] == 0 and summary[0] == seen,
              "kernel self-test summary: %s" % (
                  "%d passed, %d failed" % summary if summary else "missing"))


def failure_report(a, tap, boot, log_path, symbolized):
    """What stderr says of a failed boot: the failed checks, how it stopped,
    the last console lines and the symbolized backtraces."""
    out = ["harness: %s: %d of %d checks failed; %s; exit status %s; log: %s" %
           (a.name, tap.failed, tap.n, boot.how_it_stopped(), boot.status, log_path)]
    for what, detail in tap.failures[:REPORT_FAILURES]:
        out.append("  failed: " + what)
        out += ["  : " + line for line in (detail or "").splitlines()[-REPORT_DETAIL_LINES:]]
    if len(tap.failures) > REPORT_FAILURES:
        out.append("  and %d more failed checks (see the TAP above or the log)" %
                   (len(tap.failures) - REPORT_FAILURES))
    tail = boot.lines[-TAIL_LINES:]
    out.append("the last %d console lines:" % len(tail))
    out += ["  | " + line for line in tail]
    return out + symbolized


def main(argv):
    a = parse_args(argv)
    os.makedirs(a.log_dir, exist_ok=True)
    log_path = os.path.join(a.log_dir, a.name + ".log")
    boot = run_qemu(a)
    lines, status = boot.lines, boot.status
    with open(log_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    seconds, after = boot.longest_silence
    print("# %s: %s, exit status %s; longest silence %.1f s, after %s; log: %s" %
          (a.name, boot.how_it_stopped(), status, seconds,
           "'%s'" % after if after is not None else "the start", log_path))
    symbolized = symbolized_backtraces(a, lines)
    for line in symbolized:
        print("# " + line)

    tap = Tap()
    text = "\n".join(lines)
    tail = "\n".join(lines[-TAIL_LINES:])
    tap.check(boot.final_at is not None, "boot reached its final line (%s)" % boot.how_it_stopped(),
              tail)
    traps = [l for l in lines if re.search(TRAP_LINE, l)]
    if a.expect_trap:
        tap.check(bool(traps), "kernel reported the expected trap or panic", tail)
    else:
        tap.check(not traps, "no kernel trap or panic", "\n".join(traps) or None)
    for rx in a.expect:
        tap.check(re.search(rx, text, re.M) is not None, "expect /%s/" % rx, tail)
    for rx in a.forbid:
        m = re.search(rx, text, re.M)
        tap.check(m is None, "forbid /%s/" % rx, m.group(0) if m else None)
    if a.expect_exit is not None:
        tap.check(status == a.expect_exit,
                  "qemu exit status %s (want %d)" % (status, a.expect_exit))
    if a.selftest:
        check_selftests(tap, lines)
    for rx in a.print_value:
        m = re.search(rx, text, re.M)
        tap.check(m is not None, "measured /%s/" % rx)
        if m:
            print("# measurement: %s" % m.group(0))
    if tap.failed:
        sys.stdout.flush()
        sys.stderr.write("\n".join(failure_report(a, tap, boot, log_path, symbolized)) + "\n")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
