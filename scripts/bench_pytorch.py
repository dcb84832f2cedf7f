#!/usr/bin/python3
"""The PyTorch side of bench-vs-pytorch.sh: one of `conv4j bench`'s workloads (the same model,
input, batch, SGD with momentum 0.9 and lr 0.01, synthetic data), timed by the same rules as
`conv4j bench` times conv4j (BenchCommand.timeCalls), printed as one JSON object with the same keys.
channels_last (NHWC) is oneDNN's preferred layout: 10-20 % faster than NCHW in training here.
Usage: bench_pytorch.py --model reference|resnet20|alexnet|resnet18 [--batch B] [--infer-batch N]
       [--steps S] [--warmup W] [--threads T] [--layout nchw|channels_last]
(Debian's python3 has torch; a pyenv python3 on the PATH may not.)"""
import argparse, json, resource, time
import torch
import torch.nn as nn

INFERENCE_PASSES, LATENCY_CALLS = 20, 500     # as BenchCommand
INFERENCE_SECONDS, LATENCY_SECONDS = 3.0, 5.0


def reference():
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 256), nn.ReLU(), nn.Linear(256, 10))


class CifarBlock(nn.Module):
    """torchvision's BasicBlock at CIFAR widths, with option B (1x1 conv + BN) shortcuts, as conv4j's CifarResNet."""
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


def resnet20():
    layers, cin = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for stage, planes in enumerate((16, 32, 64)):
        for i in range(3):
            layers.append(CifarBlock(cin, planes, 2 if stage > 0 and i == 0 else 1))
            cin = planes
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def torchvision_model(name):
    import torchvision
    return getattr(torchvision.models, name)()   # random weights, 1000 classes


WORKLOADS = {   # model, per-sample input, classes: conv4j's Zoo.naturalInput / naturalClasses
    "reference": (reference, (1, 28, 28), 10),
    "resnet20": (resnet20, (3, 32, 32), 10),
    "alexnet": (lambda: torchvision_model("alexnet"), (3, 224, 224), 1000),
    "resnet18": (lambda: torchvision_model("resnet18"), (3, 224, 224), 1000),
}


def time_calls(call, warmup, most, budget):
    """Milliseconds of each call after `warmup` untimed ones (stopping after budget/5 s): at most `most`, fewer once `budget` s are spent, at least 3."""
    start = time.perf_counter()
    for _ in range(warmup):
        if time.perf_counter() - start >= budget / 5:
            break
        call()
    ms, start = [], time.perf_counter()
    while len(ms) < most and (len(ms) < 3 or time.perf_counter() - start < budget):
        s = time.perf_counter()
        call()
        ms.append((time.perf_counter() - s) * 1e3)
    return ms


def blas_libraries():
    """The BLAS shared objects this process has mapped: what torch's GEMMs really run on."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return sorted(paths)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="reference", choices=sorted(WORKLOADS))
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--infer-batch", type=int)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--layout", default="channels_last", choices=("nchw", "channels_last"))
    a = p.parse_args()
    infer_batch = a.infer_batch or a.batch
    make, sample, classes = WORKLOADS[a.model]
    fmt = torch.channels_last if a.layout == "channels_last" else torch.contiguous_format
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net = make().to(memory_format=fmt)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(a.batch, *sample).contiguous(memory_format=fmt)
    y = torch.randint(0, classes, (a.batch,))

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    train_ips = a.steps * a.batch / (time.perf_counter() - t0)
    train_peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024   # building and training alone

    net.eval()
    xb = torch.randn(infer_batch, *sample).contiguous(memory_format=fmt)
    x1 = torch.randn(1, *sample).contiguous(memory_format=fmt)
    with torch.no_grad():
        passes = time_calls(lambda: net(xb), 5, INFERENCE_PASSES, INFERENCE_SECONDS)
        lat = sorted(time_calls(lambda: net(x1), 50, LATENCY_CALLS, LATENCY_SECONDS))
    print(json.dumps({
        "torch": torch.__version__, "model": a.model, "threads": a.threads, "layout": a.layout,
        "batch": a.batch, "inference_batch": infer_batch,
        "blas": blas_libraries(),
        "train_images_per_second": train_ips,
        "inference_images_per_second": len(passes) * infer_batch / (sum(passes) / 1e3),
        "latency_ms_batch1_median": lat[len(lat) // 2],
        "latency_ms_batch1_p99": lat[int(len(lat) * 0.99)],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "train_peak_rss_mb": train_peak_rss_mb}))


if __name__ == "__main__":
    main()
