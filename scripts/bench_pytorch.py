#!/usr/bin/python3
"""The PyTorch side of bench-vs-pytorch.sh: the reference CNN, batch 64, SGD momentum 0.9,
lr 0.01, synthetic data, timed exactly as `conv4j bench` times it. Prints one JSON object.
Usage: bench_pytorch.py [THREADS] [STEPS] [nchw|channels_last]. channels_last (NHWC) is oneDNN's
preferred layout: here it trains 10–20 % faster than NCHW, so bench-vs-pytorch.sh runs both and
compares with the better (Debian's python3 has torch; a pyenv python3 on the PATH may not)."""
import json, resource, sys, time
import torch
import torch.nn as nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
layout = sys.argv[3] if len(sys.argv) > 3 else "nchw"
if layout not in ("nchw", "channels_last"):
    sys.exit("layout: nchw or channels_last")
fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
torch.set_num_threads(threads)
torch.manual_seed(1)
net = nn.Sequential(
    nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 256), nn.ReLU(), nn.Linear(256, 10)).to(memory_format=fmt)
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
x = torch.randn(64, 1, 28, 28).contiguous(memory_format=fmt)
y = torch.randint(0, 10, (64,))

def step():
    opt.zero_grad()
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()

for _ in range(20):
    step()
t0 = time.perf_counter()
for _ in range(steps):
    step()
train_ips = steps * 64 / (time.perf_counter() - t0)

net.eval()
xb = torch.randn(256, 1, 28, 28).contiguous(memory_format=fmt)
x1 = torch.randn(1, 1, 28, 28).contiguous(memory_format=fmt)
with torch.no_grad():
    for _ in range(5):
        net(xb)
    t0 = time.perf_counter()
    for _ in range(20):
        net(xb)
    infer_ips = 20 * 256 / (time.perf_counter() - t0)
    for _ in range(50):
        net(x1)
    lat = []
    for _ in range(500):
        s = time.perf_counter()
        net(x1)
        lat.append((time.perf_counter() - s) * 1e3)
lat.sort()
print(json.dumps({
    "torch": torch.__version__, "threads": threads, "layout": layout,
    # the BLAS behind torch's GEMMs: Debian links the generic libblas.so.3, so ask the loader
    "blas": "openblas" if "openblas" in open("/proc/self/maps").read() else "other",
    "train_images_per_second": train_ips,
    "inference_images_per_second": infer_ips,
    "latency_ms_batch1_median": lat[len(lat) // 2],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
