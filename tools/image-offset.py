#!/usr/bin/env python3
"""Copy a Tessera raw image, changing the text_offset in its Image header.

U-Boot `booti` moves an image loaded inside RAM to RAM base + text_offset, so
a copy with another text_offset boots Tessera at another physical address:
the way to test on QEMU that the kernel runs wherever it is put (VisionFive 2
loads at 0x40200000, QEMU and the SiFive boards at 0x80200000).

usage: image-offset.py IN OUT OFFSET      (OFFSET: 2 MiB-aligned, e.g. 0x2200000)
"""
import struct
import sys

HEADER_SIZE = 64
TEXT_OFFSET_AT = 8        # u64, little endian
MAGIC2_AT = 56            # "RSC\x05"
MEGAPAGE = 2 * 1024 * 1024


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.strip())
    src, dst, offset = argv[1], argv[2], int(argv[3], 0)
    if offset % MEGAPAGE:
        sys.exit("image-offset: %#x is not 2 MiB aligned" % offset)
    image = bytearray(open(src, "rb").read())
    if len(image) < HEADER_SIZE or image[MAGIC2_AT:MAGIC2_AT + 4] != b"RSC\x05":
        sys.exit("image-offset: %s has no RISC-V Image header" % src)
    struct.pack_into("<Q", image, TEXT_OFFSET_AT, offset)
    open(dst, "wb").write(image)


if __name__ == "__main__":
    main(sys.argv)
