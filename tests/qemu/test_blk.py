#!/usr/bin/env python3
"""The user-space disk driver (user/drivers/virtio-blk) under tools/boot --disk: TAP.

usage: test_blk.py TOOLS_BOOT BLKTEST_ELF DMA16M_DTB DEVTEST_ELF MKINITRD

Each boot runs user/tests/blktest.c, a client of the driver, against a disk
file this test fills first with a pattern of its own (pattern() below, the
same formula as blktest's, computed here independently).  blktest checks
what it reads against the pattern; afterwards this test reads the file and
checks that exactly the sectors blktest wrote changed, to its pattern.

Boots: virt with legacy virtio-mmio (QEMU 7.2's default) and a DMA32
buffer; modern virtio-mmio (version 2) on 4 harts, the interrupt routed to
the boot hart while the driver may run on another; an Sv39 tree; the tree
whose dma-ranges limit devices to 16 MiB, where a DMA32 buffer must be
bounced and a DMA buffer used directly, and every address the driver
gives the device lies below the limit; blkdebug's injected read and write
errors, which must come back as ERR_IO with the disk still usable; a boot
without a disk, where the pager has none to give.  tools/boot refuses
--disk without a program to run, and --disk-errors without --disk.

And the driver calls themselves, as a hostile driver would make them:
user/tests/devtest.c booted as the first task (init=devtest), which holds
RIGHT_DEVICE as init does, must pass every check of its own.
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

SECTOR = 512
DISK_BYTES = 4 << 20
SEED_HOST = 0x5a
SEED_GUEST = 0xa5
WRITE_SECTOR, WRITE_COUNT = 64, 128       # what blktest rw writes (user/tests/blktest.c)
DMA16M_LIMIT = 0x81000000                 # virt's RAM base + 16 MiB


def pattern(start, length, seed):
    """The bytes at disk offsets [start, start + length)."""
    return bytes((((o * 2654435761) >> 13) ^ (o >> 9) ^ seed) & 0xff
                 for o in range(start, start + length))


def disk_file(directory):
    path = os.path.join(directory, "disk.img")
    with open(path, "wb") as f:
        f.write(pattern(0, DISK_BYTES, SEED_HOST))
    return path


def main():
    tools_boot, blktest, dma16m, devtest, mkinitrd = sys.argv[1:6]
    tap = Tap("qemu/blk")

    def check(what, ok, detail=None):
        return tap.check(ok, what, detail)

    host = pattern(0, DISK_BYTES, SEED_HOST)
    lo, hi = WRITE_SECTOR * SECTOR, (WRITE_SECTOR + WRITE_COUNT) * SECTOR
    expected_after = host[:lo] + pattern(lo, hi - lo, SEED_GUEST) + host[hi:]

    with tempfile.TemporaryDirectory() as tmp:
        def run(name, options, args, writes=True):
            disk = disk_file(tmp)
            rc, out, err = boot([tools_boot] + options + ["--disk", disk, "--run", blktest] +
                                args, tmp)
            failed = [l for l in out if "FAILED" in l]
            check("%s: blktest passes every check (%d ok)" % (name,
                      sum(l.startswith("# ok - ") for l in out)),
                      rc == 0 and not failed and any(l.startswith("# ok - ") for l in out),
                      "\n".join(failed + err + out[-15:]))
            with open(disk, "rb") as f:
                after = f.read()
            if writes:
                check("%s: the file holds what blktest wrote, and nothing else changed" % name,
                          after == expected_after)
            else:
                check("%s: the file's other bytes are unchanged" % name,
                          after[:lo] == host[:lo] and after[hi:] == host[hi:])
            return out

        def driver_line(out):
            for line in out:
                m = re.match(r"^virtio-blk: (\d+) sectors \(\d+ MiB\), virtio-mmio v(\d) at "
                             r"0x([0-9a-f]+), irq (\d+), (?:DMA below 0x([0-9a-f]+)|no DMA limit), "
                             r"queue at 0x([0-9a-f]+)$", line)
                if m:
                    return m
            return None

        def mode_line(out):
            return next((l for l in out if l.startswith("blktest: attach ")), "")

        out = run("virt legacy", [], ["rw", str(DISK_BYTES), "dma32"])
        m = driver_line(out)
        check("virt legacy: the driver's line: the file's sectors, virtio-mmio v1",
                  m is not None and int(m.group(1)) == DISK_BYTES // SECTOR and m.group(2) == "1",
                  "\n".join(out[-20:]))
        check("virt legacy: no DMA limit, a DMA32 buffer is used directly",
                  m is not None and m.group(5) is None and
                  mode_line(out) == "blktest: attach dma32: direct", mode_line(out))

        out = run("virt modern, 4 harts", ["--virtio-modern", "-s", "4"],
                  ["rw", str(DISK_BYTES), "any"])
        m = driver_line(out)
        check("virt modern: virtio-mmio v2, and the MODERN flag in BLK_INFO",
                  m is not None and m.group(2) == "2" and
                  any(re.match(r"^blktest: info: \d+ sectors, flags 0x[0-9a-f]*[4567cdef]", l)
                      for l in out))
        check("virt modern: any frame is used directly (the driver may know its address)",
                  mode_line(out) == "blktest: attach any: direct", mode_line(out))

        run("virt sv39", ["--sv39"], ["rw", str(DISK_BYTES), "dma32"])

        for zone, mode in (("dma32", "bounce"), ("dma", "direct")):
            out = run("dma-ranges 16 MiB, %s buffer" % zone, ["--dtb", dma16m],
                      ["rw", str(DISK_BYTES), zone])
            m = driver_line(out)
            check("dma-ranges 16 MiB: the driver reads the limit 0x%x" % DMA16M_LIMIT,
                      m is not None and m.group(5) is not None and
                      int(m.group(5), 16) == DMA16M_LIMIT)
            check("dma-ranges 16 MiB: the queue lies below the limit",
                      m is not None and int(m.group(6), 16) + 0x4000 <= DMA16M_LIMIT)
            check("dma-ranges 16 MiB: a %s buffer: %s" % (zone, mode),
                      mode_line(out) == "blktest: attach %s: %s" % (zone, mode), mode_line(out))

        rules = os.path.join(tmp, "blkdebug.conf")
        with open(rules, "w") as f:
            f.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "200"\n\n'
                    '[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "300"\n')
        run("blkdebug errors", ["--disk-errors", rules], ["errors", str(DISK_BYTES)],
            writes=False)

        rc, out, err = boot([tools_boot, "--run", blktest, "none", "0"], tmp)
        check("no disk: the pager has none to give (ERR_NOT_FOUND), and no driver runs",
                  rc == 0 and "# ok - no disk: PAGER_DISK answers ERR_NOT_FOUND" in out and
                  not any(l.startswith("virtio-blk:") for l in out), "\n".join(out[-10:]))

        program = os.path.join(tmp, "devtest")
        shutil.copy(devtest, program)
        subprocess.run([mkinitrd, "-o", os.path.join(tmp, "dev.cpio"), "devtest"], cwd=tmp,
                       check=True)
        rc, out, err = boot([tools_boot, "--disk", disk_file(tmp), "--initrd",
                             os.path.join(tmp, "dev.cpio"), "init=devtest"], tmp)
        check("devtest (the driver calls, hostile): every check passes",
              rc == 0 and "devtest: 0 failed" in out and not any("FAILED" in l for l in out) and
              sum(l.startswith("# ok - ") for l in out) >= 25, "\n".join(out[-30:]))

        disk = disk_file(tmp)
        rc, out, err = boot([tools_boot, "--disk", disk, "selftest"], tmp)
        check("tools/boot refuses --disk without a program to run, in one line",
                  rc == 2 and err == ["tools/boot: --disk and --swap go with --run, --cmd, "
                                      "--shell or --initrd (the driver runs from the initrd)"], "\n".join(err))
        rc, out, err = boot([tools_boot, "--disk-errors", rules, "--run", blktest, "none", "0"], tmp)
        check("tools/boot refuses --disk-errors without --disk",
                  rc == 2 and err == ["tools/boot: --disk-errors goes with --disk"], "\n".join(err))
    sys.exit(tap.done())


if __name__ == "__main__":
    main()
