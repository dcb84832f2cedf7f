#!/usr/bin/python3
"""Writes conv4j-onnx's test resources shuffle_net.onnx, shuffle_net_op11.onnx and onnx_shuffle_net.case:
a small ShuffleNetV2 of torchvision's own InvertedResidual units (one of stride 2, one of stride 1)
and a unit that splits its channels unevenly with torch.split, exported by torch.onnx with a fixed
batch. Opset 13 writes x.chunk(2, dim=1) as Shape, Gather, Add, Div, Mul and two Slices, torch.split
as Split with a split input, and channel_shuffle as Reshape, Transpose, Reshape; opset 11 the same
but torch.split as Split with a split attribute. The case holds an input and PyTorch's
output in the shared folder's case format, and for the training side an output gradient dy with
PyTorch's input gradient dx and the gradient dw of uneven.branch.0.weight (of sum(y * dy), in eval
mode, where BatchNorm is the affine map the exporter folds into the convolutions). BatchNorm's
statistics are made random.
Needs Debian's python3-torch (1.13) and python3-torchvision. Usage: scripts/make-onnx-shufflenet.py [OUT_DIR]"""
import os
import sys

import torch
from torchvision.models.shufflenetv2 import InvertedResidual, channel_shuffle

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "conv4j-onnx", "src",
                                                        "test", "resources", "onnx")


class UnevenSplit(torch.nn.Module):
    """torch.split into 6 and 10 channels, the 10 convolved, concatenated and shuffled in 2 groups."""

    def __init__(self):
        super().__init__()
        self.branch = torch.nn.Sequential(torch.nn.Conv2d(10, 10, 1), torch.nn.ReLU())

    def forward(self, x):
        a, b = torch.split(x, [6, 10], dim=1)
        return channel_shuffle(torch.cat((a, self.branch(b)), 1), 2)


class ShuffleNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, 2, 1, bias=False), torch.nn.BatchNorm2d(8),
                                        torch.nn.ReLU())
        self.down = InvertedResidual(8, 16, 2)
        self.unit = InvertedResidual(16, 16, 1)
        self.uneven = UnevenSplit()
        self.fc = torch.nn.Linear(16, 5)

    def forward(self, x):
        x = self.uneven(self.unit(self.down(self.stem(x))))
        return self.fc(x.mean([2, 3]))


torch.manual_seed(1717)
net = ShuffleNet()
with torch.no_grad():
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.1, 0.1)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
net.eval()
x = torch.randn(2, 3, 8, 8)
with torch.no_grad():
    y = net(x)
dy = torch.randn(y.shape)
xg = x.clone().requires_grad_(True)
(net(xg) * dy).sum().backward()
dx, dw = xg.grad, net.uneven.branch[0].weight.grad


def tensor(name, t):
    return f"tensor {name} " + " ".join(map(str, t.shape)) + "\n" + " ".join(repr(float(v)) for v in t.flatten()) + "\n"


torch.onnx.export(net, x, os.path.join(out, "shuffle_net.onnx"), opset_version=13, input_names=["input"],
                  output_names=["output"])
torch.onnx.export(net, x, os.path.join(out, "shuffle_net_op11.onnx"), opset_version=11, input_names=["input"],
                  output_names=["output"])
# One case for both files: they are the same network.
with open(os.path.join(out, "onnx_shuffle_net.case"), "w") as f:
    f.write(f"# conformance case; PyTorch {torch.__version__} CPU float32; shuffle_net_op11.onnx is this at opset 11\n")
    f.write("op onnx\nname shuffle_net\nseed 1717\nfile shuffle_net.onnx\n")
    f.write("input " + " ".join(map(str, x.shape)) + "\noutput " + " ".join(map(str, y.shape)) + "\nopset 13\n")
    f.write(tensor("x", x) + tensor("y", y) + tensor("dy", dy) + tensor("dx", dx) + tensor("dw", dw))
