#!/usr/bin/env python3
"""Write the extlinux.conf U-Boot boots Tessera from (docs/boards.md).

usage: extlinux.py OUT [BOOTARGS]
       extlinux.py --tftp DIR IMAGE [BOOTARGS]

The same file serves U-Boot's distro boot from a disk (extlinux/extlinux.conf
on the boot partition) and its PXE boot over TFTP (pxelinux.cfg/default):
one label, the raw image /tessera.bin, no fdt line (U-Boot passes the tree
it has, which on a board is the board's own, with its /memory fixed up).
With --tftp, DIR is made ready for a TFTP server: DIR/pxelinux.cfg/default
and DIR/tessera.bin, a copy of IMAGE.
"""
import os
import shutil
import sys


def main(argv):
    if len(argv) >= 4 and argv[1] == "--tftp":
        directory, image = argv[2], argv[3]
        os.makedirs(os.path.join(directory, "pxelinux.cfg"), exist_ok=True)
        shutil.copyfile(image, os.path.join(directory, "tessera.bin"))
        return main([argv[0], os.path.join(directory, "pxelinux.cfg", "default")] + argv[4:])
    if len(argv) not in (2, 3):
        sys.exit(__doc__.strip())
    append = argv[2] if len(argv) == 3 else ""
    lines = ["# Tessera, for U-Boot's extlinux (distro boot) and PXE boot: docs/boards.md",
             "default tessera", "timeout 1", "", "label tessera",
             "    menu label Tessera", "    kernel /tessera.bin"]
    if append:
        lines.append("    append " + append)
    with open(argv[1], "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
