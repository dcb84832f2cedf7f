#!/usr/bin/env python3
"""Writes image N of an IDX image file (raw or .gz) as an 8-bit grey PNG, with the standard
library only. Usage: scripts/idx-to-png.py IMAGES.idx[.gz] N OUT.png"""
import gzip, struct, sys, zlib

path, index, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
opener = gzip.open if path.endswith(".gz") else open
with opener(path, "rb") as f:
    magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
    if magic != 0x803 or not 0 <= index < count:
        sys.exit(f"{path}: not an IDX image file or no image {index}")
    f.read(index * rows * cols)
    pixels = f.read(rows * cols)

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

raw = b"".join(b"\x00" + pixels[r * cols:(r + 1) * cols] for r in range(rows))
with open(out, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
