#!/usr/bin/env python3
"""Cuts the Fashion-MNIST sample shipped in data/fashion-mnist-sample from the full set.

Usage: scripts/make-sample.py [SOURCE_DIR] [TRAIN_COUNT] [TEST_COUNT]
SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
Takes the first TRAIN_COUNT (10000) training and TEST_COUNT (2000) test images, keeps the IDX
format and gzip, and writes with a fixed mtime so the files are byte-for-byte reproducible."""
import gzip, os, struct, sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
counts = {"train": int(sys.argv[2]) if len(sys.argv) > 2 else 10000,
          "t10k": int(sys.argv[3]) if len(sys.argv) > 3 else 2000}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion-mnist-sample")
os.makedirs(out, exist_ok=True)
for split, n in counts.items():
    for kind, item in (("images-idx3-ubyte", 784), ("labels-idx1-ubyte", 1)):
        name = f"{split}-{kind}.gz"
        with gzip.open(os.path.join(src, name), "rb") as f:
            data = f.read()
        magic, total = struct.unpack(">II", data[:8])
        header = 16 if item == 784 else 8
        assert n <= total, f"{name} has only {total} items"
        body = data[header:header + n * item]
        head = data[:header]
        head = head[:4] + struct.pack(">I", n) + head[8:]
        with open(os.path.join(out, name), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as g:
                g.write(head + body)
        print(name, n, "items")
