#!/usr/bin/python3
"""Writes conv4j-onnx's test resources activations_net.onnx and onnx_activations_net.case: a small
PyTorch network with GELU (exact and tanh form) and SiLU, exported by torch.onnx at opset 13, which
has no operator for them, so that PyTorch writes them as node chains (Sigmoid, Mul; Div, Erf, Add,
Mul; Mul, Add, Tanh), with an input and PyTorch's output in the shared folder's case format.
Needs Debian's python3-torch (1.13). Usage: scripts/make-onnx-activations.py [OUT_DIR]"""
import os
import sys

import torch

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "conv4j-onnx", "src",
                                                        "test", "resources", "onnx")
torch.manual_seed(1616)
net = torch.nn.Sequential(
    torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.GELU(),
    torch.nn.Conv2d(6, 6, 3), torch.nn.GELU(approximate="tanh"),
    torch.nn.Conv2d(6, 8, 1), torch.nn.SiLU(),
    torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
    torch.nn.Linear(8, 5), torch.nn.SiLU()).eval()
x = torch.randn(2, 3, 8, 8)
with torch.no_grad():
    y = net(x)
torch.onnx.export(net, x, os.path.join(out, "activations_net.onnx"), opset_version=13,
                  input_names=["input"], output_names=["output"])


def tensor(name, t):
    return f"tensor {name} " + " ".join(map(str, t.shape)) + "\n" + " ".join(repr(float(v)) for v in t.flatten()) + "\n"


with open(os.path.join(out, "onnx_activations_net.case"), "w") as f:
    f.write(f"# conformance case; PyTorch {torch.__version__} CPU float32\n")
    f.write("op onnx\nname activations_net\nseed 1616\nfile activations_net.onnx\n")
    f.write("input " + " ".join(map(str, x.shape)) + "\noutput " + " ".join(map(str, y.shape)) + "\nopset 13\n")
    f.write(tensor("x", x) + tensor("y", y))
