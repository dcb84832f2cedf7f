#!/usr/bin/python3
"""PyTorch's conv2d forward+backward GFLOP/s on the shapes of conv4j's JMH suite (N,C,H,W,K,R,S,
stride,pad), for comparison with scripts/bench-jmh.sh. Usage: bench_pytorch_conv.py [THREADS]"""
import sys, time
import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
shapes = [(64, 1, 28, 28, 32, 5, 5, 1, 2), (64, 32, 14, 14, 64, 5, 5, 1, 2), (16, 3, 224, 224, 64, 11, 11, 4, 2),
          (16, 192, 13, 13, 384, 3, 3, 1, 1), (16, 64, 56, 56, 64, 3, 3, 1, 1), (32, 128, 28, 28, 128, 3, 3, 1, 1)]
for n, c, h, w, k, r, s, st, p in shapes:
    conv = torch.nn.Conv2d(c, k, (r, s), stride=st, padding=p)
    x = torch.randn(n, c, h, w, requires_grad=True)
    y = conv(x)
    dy = torch.randn_like(y)
    flops = 2.0 * y.numel() * c * r * s
    def fwd():
        with torch.no_grad():
            conv(x)
    def both():
        x.grad = None
        conv.zero_grad()
        conv(x).backward(dy)
    for name, fn, mult in (("fwd", fwd, 1), ("fwd+bwd", both, 3)):
        for _ in range(3):
            fn()
        reps, t0 = 10, time.perf_counter()
        for _ in range(reps):
            fn()
        ms = (time.perf_counter() - t0) / reps * 1e3
        print(f"{n},{c},{h},{w},{k},{r},{s},{st},{p} {name}: {mult * flops / ms / 1e6:.1f} GFLOP/s")
