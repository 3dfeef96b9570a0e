#!/usr/bin/env python3
"""Swap: the pager's reclaim over the user-space disk driver (tools/boot --swap): TAP.

usage: test_swap.py TOOLS_BOOT TESSERA_CC SWAP_ORACLE_C DMA16M_DTB SWAPFORK_ELF SWAPBENCH_ELF
                    DISKTEST_ELF VIRTIO_BLK_ELF MKINITRD

tests/qemu/swap_oracle.c, built here with tools/tessera-cc as anyone
would, touches a working set four times the memory left to user space
(the boot report's free pages, read here) and checks every byte of every
page it reads against what its last writer wrote.  Each run must end with
0 corrupted pages, and the pager's closing line must show pages really
went to swap and came back, and that every swap slot and pool page was
given back once the program ended.

Runs: virt in 16 MiB on one hart (Sv48) and on four (Sv39 by tree); the
tree whose dma-ranges limits devices to 16 MiB, cut to 16 MiB of RAM (so
the driver's DMA and bounce buffers live in the DMA zone); swap too small
(a named out-of-memory kill); blkdebug failing the reads of one slot (a
named I/O-error kill) and the writes of a cluster (the pages stay, nothing
is lost); and a disk with no swap signature, which the pager leaves alone.

Then two processes: user/tests/swapfork.c fills twice the free memory,
forks (the child holds it all copy-on-write, pages on swap by their slots)
and both write and check at random, each against its own oracle, with a
small shared region carrying writes both ways: neither may see the other's
private writes.  A large shared region (a memory object, a quarter of the
size) goes cold: its pages go to swap from both mappers at once, and the
child's later writes to it must reach the parent.  Also without swap in 128 MiB: a fork of 26 MiB once left
the parent able to write to pages its child still shared (runs of over
1024 pages were refused whole by SYS_PROTECT).

The driver killed (user/tests/disktest.c, booted as the first task so that
it starts drivers itself): a client's next call fails at once, a new
driver takes the device over, and swap-oracle under a pager whose disk
driver is killed mid-run is ended by name, never left hanging.

Last, the figures (user/tests/swapbench.c under --icount): in 8 MiB with
swap every figure is printed, each within what its parts bound it by, and
the same workload in 128 MiB without swap costs less; the ratio is printed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402
from qemu.tools_boot import boot  # noqa: E402

PAGE = 4096
REPORT = re.compile(r"^pager: swap: scanned (\d+), reclaimed (\d+), swapped out (\d+), "
                    r"swapped in (\d+), slots in use (\d+) of (\d+), pool pages in use (\d+), "
                    r"errors (\d+) written (\d+) read, swap cache (\d+) hits (\d+) dropped, "
                    r"pool grown past spare (\d+), object pages (\d+) out (\d+) in$")
ORACLE = re.compile(r"^swap-oracle: (\d+) pages, (\d+) writes, (\d+) page checks, "
                    r"(\d+) corrupted$")
EXIT_REFUSED_OUT_OF_MEMORY = 3        # include/tessera/syscall.h
EXIT_REFUSED_IO_ERROR = 6


def free_pages(out):
    """The pages the boot report says are free, all zones."""
    return sum(int(m.group(1)) for m in
               (re.match(r"^zone \S+: \S+ \d+ pages, (\d+) free$", l) for l in out) if m)


def main():
    tools_boot, tessera_cc, oracle_c, dma16m, swapfork, swapbench = sys.argv[1:7]
    disktest, virtio_blk, mkinitrd = sys.argv[7:10]
    tap = Tap("qemu/swap")

    def check(what, ok, detail=None):
        return tap.check(ok, what, detail)

    with tempfile.TemporaryDirectory() as tmp:
        oracle = os.path.join(tmp, "swap-oracle")
        subprocess.run([tessera_cc, "-O2", "-Wall", "-Wextra", "-Werror", oracle_c, "-o", oracle],
                       check=True)

        def run(options, mib, accesses):
            rc, out, err = boot([tools_boot] + options + ["--run", oracle, str(mib),
                                                          str(accesses)], tmp)
            report = next((REPORT.match(l) for l in out if REPORT.match(l)), None)
            result = next((ORACLE.match(l) for l in out if ORACLE.match(l)), None)
            return rc, out, err, report, result

        # How much memory user space has in 16 MiB: a short run's boot report.
        rc, out, err, report, result = run(["-m", "16M", "--swap", "64M"], 1, 10)
        free = free_pages(out)
        check("16 MiB: the boot report gives the free pages (%d) and a 1 MiB run passes" % free,
              free > 1000 and rc == 0 and result is not None and result.group(4) == "0",
              "\n".join(out[-20:] + err))
        mib = 4 * free * PAGE // (1 << 20) + 1

        def passes(name, options, accesses):
            rc, out, err, report, result = run(options, mib, accesses)
            tail = "\n".join(out[-25:] + err)
            check("%s: %d MiB (4x the %d free pages), %d accesses: 0 corrupted, exit 0" %
                  (name, mib, free, accesses),
                  rc == 0 and result is not None and result.group(4) == "0" and
                  int(result.group(1)) == mib * 256, tail)
            check("%s: pages went to swap and came back" % name,
                  report is not None and int(report.group(3)) >= mib * 256 - free and
                  int(report.group(4)) > 0 and
                  int(report.group(2)) == int(report.group(3)) + int(report.group(11)),
                  tail)
            check("%s: every slot and pool page given back, no disk errors" % name,
                  report is not None and report.group(5) == "0" and report.group(7) == "0" and
                  report.group(8) == "0" and report.group(9) == "0", tail)
            return out

        passes("16 MiB, 1 hart, Sv48", ["-m", "16M", "--swap", "64M"], 20000)
        passes("16 MiB, 4 harts, Sv39", ["-m", "16M", "-s", "4", "--sv39", "--swap", "64M"], 2000)

        # The DMA-limited tree, cut to 16 MiB of RAM: all of it below the limit.
        tree = os.path.join(tmp, "dma16m-16m.dtb")
        source = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dma16m], check=True,
                                capture_output=True, text=True).stdout
        source = source.replace("reg = <0x00 0x80000000 0x00 0x8000000>",
                                "reg = <0x00 0x80000000 0x00 0x1000000>")
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", tree, "-"], input=source,
                       check=True, text=True)
        out = passes("dma-ranges 16 MiB tree in 16 MiB", ["-m", "16M", "--dtb", tree,
                                                           "--swap", "64M"], 5000)
        check("dma-ranges 16 MiB tree: the driver keeps its DMA below the limit",
              any(re.match(r"^virtio-blk: .* DMA below 0x81000000, queue at 0x80", l)
                  for l in out), "\n".join(l for l in out if l.startswith("virtio-blk")))

        # Swap too small: the program is ended, by name; everything comes back.
        rc, out, err, report, result = run(["-m", "16M", "--swap", "8M"], mib, 100)
        check("swap of 8 MiB for %d MiB: ended EXIT_REFUSED_OUT_OF_MEMORY, named" % mib,
              rc == 128 + EXIT_REFUSED_OUT_OF_MEMORY and
              "run: swap-oracle was ended: EXIT_REFUSED_OUT_OF_MEMORY" in out and
              result is None, "\n".join(out[-15:] + err))
        check("swap full: slots and pool pages back to 0 afterwards",
              report is not None and report.group(5) == "0" and report.group(7) == "0" and
              int(report.group(3)) >= 1000, "\n".join(out[-10:]))

        # Disk errors (QEMU's blkdebug): a slot that cannot be read ends
        # the program by name; a cluster that cannot be written stays in
        # memory and the run goes on.
        rules = os.path.join(tmp, "read-errors.conf")
        with open(rules, "w") as f:
            f.write('[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\n'
                    'sector = "8"\n')
        disk = os.path.join(tmp, "swap.img")

        def swap_disk():
            with open(disk, "wb") as f:
                f.write(b"TESSERA-SWAP-1\n")
                f.truncate(64 << 20)

        swap_disk()
        rc, out, err, report, result = run(["-m", "16M", "--disk", disk, "--disk-errors", rules],
                                           mib, 100)
        check("a slot the disk cannot read: ended EXIT_REFUSED_IO_ERROR, named, no wrong page",
              rc == 128 + EXIT_REFUSED_IO_ERROR and
              "run: swap-oracle was ended: EXIT_REFUSED_IO_ERROR" in out and result is None,
              "\n".join(out[-15:] + err))
        check("... the pager counted the failed read; slots and pages back to 0",
              report is not None and int(report.group(9)) >= 1 and report.group(5) == "0" and
              report.group(7) == "0", "\n".join(out[-10:]))
        with open(rules, "w") as f:
            f.write('[inject-error]\nevent = "write_aio"\niotype = "write"\nerrno = "5"\n'
                    'sector = "8"\nonce = "on"\n')
        swap_disk()
        rc, out, err, report, result = run(["-m", "16M", "--disk", disk, "--disk-errors", rules],
                                           mib, 2000)
        check("a cluster the disk cannot write: kept in memory, 0 corrupted, exit 0",
              rc == 0 and result is not None and result.group(4) == "0" and
              report is not None and int(report.group(8)) >= 1, "\n".join(out[-15:] + err))

        # Two processes: a fork over swap, and a big fork without.
        fork_line = re.compile(r"^swapfork: (\d+) pages, \d+ writes, \d+ page checks, "
                               r"(\d+) corrupted; child exited with (-?\d+)$")
        child_line = re.compile(r"^swapfork: child: \d+ writes, \d+ page checks, "
                                r"(\d+) corrupted; shared pages both ways$")
        shared_line = re.compile(r"^swapfork: shared memory: (\d+) pages, the child's writes "
                                 r"seen, (\d+) wrong; object pages (\d+) swapped out, "
                                 r"(\d+) in$")
        for name, options, size, accesses, shared_mib in (
                ("swap, 16 MiB", ["-m", "16M", "--swap", "128M"], mib // 2, 5000, mib // 8),
                ("no swap, 128 MiB", ["-m", "128M"], 26, 3000, 0)):
            rc, out, err = boot([tools_boot] + options + ["--run", swapfork, str(size),
                                                          str(accesses), str(shared_mib)], tmp)
            parent = next((fork_line.match(l) for l in out if fork_line.match(l)), None)
            kid = next((child_line.match(l) for l in out if child_line.match(l)), None)
            shared = next((shared_line.match(l) for l in out if shared_line.match(l)), None)
            report = next((REPORT.match(l) for l in out if REPORT.match(l)), None)
            if shared_mib:
                check("fork, %s: a shared region of %d pages (a memory object) holds the "
                      "child's writes and the old bytes, 0 wrong; its pages went to swap and "
                      "came back" % (name, shared_mib * 256),
                      shared is not None and shared.group(2) == "0" and
                      int(shared.group(1)) == shared_mib * 256 and
                      int(shared.group(3)) > 0 and int(shared.group(4)) > 0,
                      "\n".join(out[-20:] + err))
            check("fork, %s: %d MiB, parent and child see only their own writes; the pager's "
                  "books agree" % (name, size),
                  "swapfork: the pager's books: 0 wrong" in out and
                  rc == 0 and parent is not None and parent.group(2) == "0" and
                  parent.group(3) == "0" and kid is not None and kid.group(1) == "0",
                  "\n".join(out[-20:] + err))
            if report:
                check("fork, %s: pages shared copy-on-write went to swap; all given back" % name,
                      int(report.group(3)) > 0 and report.group(5) == "0" and
                      report.group(7) == "0", "\n".join(out[-10:]))
                check("fork, %s: the swap cache served the second reader of a shared page "
                      "(%s hits), and gave back clean pages unwritten (%s)" %
                      (name, report.group(10), report.group(11)),
                      int(report.group(10)) > 0 and int(report.group(11)) > 0,
                      "\n".join(out[-10:]))

        # The driver killed under a client and under the pager.
        for path, name in ((disktest, "disktest"), (virtio_blk, "virtio-blk"),
                           (oracle, "swap-oracle")):
            if path != os.path.join(tmp, name):
                shutil.copy(path, os.path.join(tmp, name))
        subprocess.run([mkinitrd, "-o", os.path.join(tmp, "disktest.cpio"), "disktest",
                        "virtio-blk", "swap-oracle"], cwd=tmp, check=True)
        rc, out, err = boot([tools_boot, "-m", "16M", "--swap", "64M", "--initrd",
                             os.path.join(tmp, "disktest.cpio"), "init=disktest"], tmp)
        ended = next((re.match(r"^disktest: swap-oracle ended with -1, (EXIT_REFUSED_\w+)$", l)
                      for l in out if l.startswith("disktest: swap-oracle ended")), None)
        check("the driver killed: the client's next call fails at once; a new driver reads "
              "the device; every disktest check passes",
              rc == 0 and "disktest: 0 failed" in out and not any("FAILED" in l for l in out),
              "\n".join(out[-30:] + err))
        check("... swap-oracle under the pager is ended by name (%s), no corrupted line" %
              (ended.group(1) if ended else "?"),
              ended is not None and ended.group(1) in ("EXIT_REFUSED_IO_ERROR",
                                                       "EXIT_REFUSED_OUT_OF_MEMORY") and
              not any(ORACLE.match(l) for l in out), "\n".join(out[-30:]))

        # The figures: swapbench under --icount, with swap in 8 MiB and
        # without in 128 MiB, over four times what 8 MiB leaves free.
        figure = re.compile(r"^bench (swap_\w+): (\d+) instructions$")
        rc, out8, err = boot([tools_boot, "-m", "8M", "--swap", "64M", "--run", oracle, "1", "1"],
                             tmp)
        bench_mib = 4 * free_pages(out8) * PAGE // (1 << 20) + 1
        runs = {}
        for name, options in (("swap", ["-m", "8M", "--swap", "64M"]), ("ram", ["-m", "128M"])):
            rc, out, err = boot([tools_boot, "--icount"] + options +
                                ["--run", swapbench, str(bench_mib), "20000"], tmp)
            runs[name] = {m.group(1): int(m.group(2)) for m in map(figure.match, out) if m}
            runs[name + "-out"] = out
        s, r = runs["swap"], runs["ram"]
        names = ["swap_workload", "swap_in_roundtrip", "swap_in_roundtrip_mean",
                 "swap_scan_per_page", "swap_reclaim_per_page", "swap_in_read_per_page"]
        waiting = re.compile(r"^swapbench: waiting, apart: workload (\d+), swap-in median (\d+), "
                             r"the driver's per page moved (\d+)$")
        s_wait = next((waiting.match(l) for l in runs["swap-out"] if waiting.match(l)), None)
        r_wait = next((waiting.match(l) for l in runs["ram-out"] if waiting.match(l)), None)
        check("swapbench in 8 MiB with swap (%d MiB): every figure" % bench_mib,
              sorted(s) == sorted(names), "\n".join(runs["swap-out"][-20:]))
        check("... the mean swap-in (reclaims spread in) at least the median, above a plain "
              "fault's 2000; a page reclaimed costs more than one sampled",
              all(n in s for n in names) and
              s["swap_in_roundtrip_mean"] >= s["swap_in_roundtrip"] and
              s["swap_reclaim_per_page"] > s["swap_scan_per_page"] and
              s["swap_in_roundtrip"] > 2000, repr(s))
        check("... with swap the hart waits for the disk: the waiting is printed apart",
              s_wait is not None and int(s_wait.group(1)) > 0 and int(s_wait.group(3)) > 0,
              "\n".join(runs["swap-out"][-12:]))
        check("swapbench in 128 MiB without swap: the workload alone, said so, no waiting",
              sorted(r) == ["swap_workload"] and r_wait is not None and
              r_wait.group(1) == "0" and
              "swapbench: no swap: every page stayed in memory" in runs["ram-out"],
              "\n".join(runs["ram-out"][-20:]))
        if "swap_workload" in s and "swap_workload" in r:
            print("# the %d MiB workload: %d instructions with swap in 8 MiB, %d in 128 MiB: "
                  "%.1f times" % (bench_mib, s["swap_workload"], r["swap_workload"],
                                  s["swap_workload"] / r["swap_workload"]))
            check("... with swap the workload costs more than in enough RAM",
                  s["swap_workload"] > r["swap_workload"])

        # The shell's view: mmsh's swap before and after a run, and of a task.
        rc, out, err = boot([tools_boot, "-m", "16M", "--swap", "64M", "--file", oracle, "--cmd",
                             "swap; run swap-oracle 30 3000; swap; swap no-such-task"], tmp)
        views = [l for l in out if l.startswith("swap: ") or l.startswith("mmsh: swap")]
        after = [re.match(r"^swap: 16383 slots, (\d+) in use; scanned (\d+), reclaimed (\d+), "
                          r"swapped out (\d+), swapped in (\d+); errors 0 written 0 read$", l)
                 for l in views]
        after = [m for m in after if m]
        more = [re.match(r"^swap: shared memory's pages swapped out (\d+), in (\d+); swap-cache "
                         r"hits (\d+); pool chunks taken past the high watermark (\d+)$", l)
                for l in views]
        more = [m for m in more if m]
        check("mmsh swap: the slots before, and after a 30 MiB run: pages out and in, none held",
              len(after) >= 2 and after[0] is not None and after[0].group(4) == "0" and
              after[1] is not None and after[1].group(1) == "0" and
              int(after[1].group(4)) > 0 and int(after[1].group(5)) > 0,
              "\n".join(views + out[-10:]))
        check("mmsh swap: a second line each time, for shared memory, the swap cache and the "
              "pool (the oracle shares nothing: 0 object pages)",
              len(more) == 2 and all(m.group(1) == "0" and m.group(2) == "0" for m in more),
              "\n".join(views))
        check("mmsh swap TASK: an unknown task, said so",
              any(l.startswith("mmsh: swap: ") and "no-such-task" in l for l in out),
              "\n".join(views))
        rc, out, err = boot([tools_boot, "--cmd", "swap"], tmp)
        check("mmsh swap without a swap area: says how to get one",
              "swap: none (boot with tools/boot --swap SIZE)" in out, "\n".join(out[-5:]))

        # A disk that is no swap area is not swapped to.
        with open(disk, "wb") as f:
            f.truncate(8 << 20)
        rc, out, err, report, result = run(["-m", "16M", "--disk", disk], 2, 100)
        check("a disk with no swap signature: left alone, said so, the run passes",
              rc == 0 and "pager: the disk is no swap area (no TESSERA-SWAP-1 signature): not "
              "used for swap" in out and report is None and result is not None,
              "\n".join(out[-15:] + err))
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
