"""Reads IDX files (MNIST, Fashion-MNIST; raw or .gz) into numpy arrays, for the PyTorch scripts."""
import gzip
import os
import struct

import numpy as np


def read_idx(folder, name):
    """`folder/name` or `folder/name.gz`: images as uint8 N x 1 x rows x cols, labels as int64 N."""
    path = os.path.join(folder, name)
    with (gzip.open(path + ".gz") if os.path.exists(path + ".gz") else open(path, "rb")) as f:
        raw = f.read()
    magic, count = struct.unpack(">II", raw[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw, np.uint8, offset=16).reshape(count, 1, rows, cols)
    if magic == 0x801:
        return np.frombuffer(raw, np.uint8, offset=8).astype(np.int64)
    raise ValueError(f"{path}: not an IDX image or label file (magic {magic:#x})")
