#!/usr/bin/env python3
"""`conv4j train --recipe fashion93` in PyTorch: the same model (fashioncnn), augmentation (random
crop, 3 px zero padding, + horizontal flip, on the [0, 1] scale before normalisation), optimiser
(SGD, Nesterov momentum 0.9, lr 0.05, weight decay 5e-4 on weights only: none on biases and
BatchNorm parameters, i.e. rank-1 tensors), schedule (linear warm-up over 469 steps, then cosine
to 0 over all the epochs, per step, as conv4j's), label smoothing 0.1, batch 128, per-channel
normalisation from the training images, evaluation in batches of 256, channels_last.
Prints each epoch's test accuracy with the seconds elapsed since training started (evaluations
included), and the seconds to 93 %. Stops after the epoch that passes --time-limit seconds.
Run through scripts/fashion93-pytorch.sh (2 threads, OpenMP OpenBLAS)."""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn

from idx_numpy import read_idx

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("data", nargs="?", default="/usr/share/datasets/fashion-mnist", help="IDX folder (train-*, t10k-*)")
p.add_argument("--epochs", type=int, default=15)
p.add_argument("--batch", type=int, default=128)
p.add_argument("--lr", type=float, default=0.05)
p.add_argument("--warmup", type=int, default=469, help="linear warm-up steps")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=42)
p.add_argument("--target", type=float, default=0.93)
p.add_argument("--time-limit", type=float, default=1200, help="stop after the epoch that ends past this many seconds")
p.add_argument("--train-limit", type=int, help="only the first N training images (a quick check)")
p.add_argument("--report", help="write a JSON summary here")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
rng = np.random.default_rng(a.seed)
process_start = time.perf_counter()

xtr = read_idx(a.data, "train-images-idx3-ubyte")
ytr = read_idx(a.data, "train-labels-idx1-ubyte")
if a.train_limit:
    xtr, ytr = xtr[:a.train_limit], ytr[:a.train_limit]
xte = read_idx(a.data, "t10k-images-idx3-ubyte")
yte = read_idx(a.data, "t10k-labels-idx1-ubyte")
scaled = xtr.astype(np.float32) / 255.0
mean, std = float(scaled.mean()), float(scaled.std())   # one channel
xtr_t = torch.from_numpy(scaled)
ytr_t = torch.from_numpy(ytr)
xte_t = ((torch.from_numpy(xte.astype(np.float32) / 255.0) - mean) / std).contiguous(memory_format=torch.channels_last)
yte_t = torch.from_numpy(yte)
n, side = len(xtr_t), xtr_t.shape[-1]
PAD = max(1, side // 8)   # conv4j's --augment crop: 3 px at 28


def augment(x):
    """Random crop with zero padding, then a horizontal flip with p = 0.5, per image."""
    b = x.shape[0]
    padded = torch.nn.functional.pad(x, (PAD, PAD, PAD, PAD))
    dy = torch.from_numpy(rng.integers(0, 2 * PAD + 1, b))
    dx = torch.from_numpy(rng.integers(0, 2 * PAD + 1, b))
    ar = torch.arange(side)
    rows = (dy[:, None] + ar[None, :])[:, None, :, None]
    cols = (dx[:, None] + ar[None, :])
    flip = torch.from_numpy(rng.random(b) < 0.5)
    cols = torch.where(flip[:, None], cols.flip(1), cols)[:, None, None, :]
    return padded[torch.arange(b)[:, None, None, None], torch.zeros(1, 1, 1, 1, dtype=torch.long), rows, cols]


def block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]


net = nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2), nn.Dropout(0.1),
                    *block(32, 64), *block(64, 64), nn.MaxPool2d(2), nn.Dropout(0.1),
                    nn.Flatten(), nn.Linear(64 * (side // 4) ** 2, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.3),
                    nn.Linear(128, 10)).to(memory_format=torch.channels_last)
decay = [q for q in net.parameters() if q.ndim > 1]
no_decay = [q for q in net.parameters() if q.ndim <= 1]
opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}],
                      lr=a.lr, momentum=0.9, nesterov=True)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
per_epoch = math.ceil(n / a.batch)
total = per_epoch * a.epochs


def lr_at(step):
    """conv4j's LrSchedule.cosine(epochs, 0).withWarmup(warmup): the cosine counts from step 0."""
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    return a.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, step / total)))


print(f"fashion93 in PyTorch {torch.__version__}: {n:,} training / {len(xte_t):,} test images, {a.epochs} epochs, batch {a.batch}, "
      f"{torch.get_num_threads()} threads, channels_last", flush=True)
history, reached, step = [], None, 0
start = time.perf_counter()
for epoch in range(1, a.epochs + 1):
    net.train()
    order = torch.from_numpy(rng.permutation(n))
    begin, seen, correct = time.perf_counter(), 0, 0
    for i in range(0, n, a.batch):
        idx = order[i:i + a.batch]
        x = ((augment(xtr_t[idx]) - mean) / std).contiguous(memory_format=torch.channels_last)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        opt.zero_grad()
        logits = net(x)
        loss_fn(logits, ytr_t[idx]).backward()
        opt.step()
        step += 1
        seen += len(idx)
        correct += (logits.argmax(1) == ytr_t[idx]).sum().item()
    train_seconds = time.perf_counter() - begin
    net.eval()
    with torch.no_grad():
        right = sum((net(xte_t[i:i + 256]).argmax(1) == yte_t[i:i + 256]).sum().item() for i in range(0, len(xte_t), 256))
    accuracy = right / len(xte_t)
    elapsed = time.perf_counter() - start
    if reached is None and accuracy >= a.target:
        reached = (epoch, elapsed)
    history.append({"epoch": epoch, "train_accuracy": correct / seen, "test_accuracy": accuracy,
                    "train_images_per_second": seen / train_seconds, "elapsed_seconds": elapsed})
    print(f"epoch {epoch}: train acc {100 * correct / seen:.2f}% | test acc {100 * accuracy:.2f}% | {seen / train_seconds:,.0f} img/s "
          f"| {elapsed:.1f} s elapsed", flush=True)
    if elapsed > a.time_limit and epoch < a.epochs:
        print(f"stopped: {elapsed:.0f} s is past the {a.time_limit:.0f} s limit", flush=True)
        break
wall = time.perf_counter() - start
print(f"test accuracy {100 * history[-1]['test_accuracy']:.2f}% after {len(history)} epochs, {wall:.1f} s of training"
      + (f"; {100 * a.target:.0f} % first reached in epoch {reached[0]}, at {reached[1]:.1f} s" if reached
         else f"; {100 * a.target:.0f} % not reached"), flush=True)
if a.report:
    with open(a.report, "w") as f:
        json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": os.environ.get("LD_LIBRARY_PATH", ""),
                   "per_epoch": history, "test_accuracy": history[-1]["test_accuracy"], "wall_seconds": wall,
                   "process_seconds": time.perf_counter() - process_start, "target_accuracy": a.target,
                   "seconds_to_target": reached[1] if reached else None,
                   "epoch_reaching_target": reached[0] if reached else None}, f, indent=2)
