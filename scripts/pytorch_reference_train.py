#!/usr/bin/env python3
"""Trains conv4j's reference CNN recipe in PyTorch (Debian's python3-torch) on an IDX folder and
prints test accuracy per epoch, to compare accuracy with `conv4j train` on the same machine.
Usage: /usr/bin/python3 scripts/pytorch_reference_train.py DATA_DIR EPOCHS SEED [THREADS]"""
import sys
import numpy as np
from idx_numpy import read_idx
import torch
import torch.nn as nn

data, epochs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
torch.manual_seed(seed)

def tensors(split):
    x = torch.from_numpy(read_idx(data, f"{split}-images-idx3-ubyte").astype(np.float32) / 255.0)
    return (x - 0.2860) / 0.3530, torch.from_numpy(read_idx(data, f"{split}-labels-idx1-ubyte"))

xtr, ytr = tensors("train")
xte, yte = tensors("t10k")
net = nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(),
                    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 256), nn.ReLU(), nn.Linear(256, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(1, epochs + 1):
    net.train()
    perm = torch.randperm(len(xtr))
    for i in range(0, len(xtr), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        loss_fn(net(xtr[b]), ytr[b]).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        correct = sum((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, len(xte), 1000))
    print(f"seed {seed} epoch {epoch}: test accuracy {100.0 * correct / len(xte):.2f}%", flush=True)
