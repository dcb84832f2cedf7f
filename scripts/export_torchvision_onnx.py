#!/usr/bin/env python3
"""Exports torchvision's classification models with random weights to ONNX, each with an input
and PyTorch's output for it, for conv4j-onnx's TorchvisionImportTest (which runs this script and
skips when python3 lacks torch, torchvision or onnx; nothing else needs it).

Usage: /usr/bin/python3 scripts/export_torchvision_onnx.py OUT_DIR [MODEL ...]

For each model NAME it writes OUT_DIR/NAME.onnx, NAME.x.npy (a float32 batch of 2) and NAME.y.npy
(PyTorch's float32 output for it), and prints one line "NAME ok SIZE OPSET" or "NAME failed REASON".
The models are in eval mode. BatchNorm's affine parameters and running statistics are made random
too (the default init leaves them 1 and 0, which a mapping could get wrong unnoticed); the
exporter folds BatchNorm into the convolutions, as it does for any eval-mode export.
"""
import os
import sys

import numpy as np
import onnx
import torch
import torchvision.models as tv

# name -> (constructor, input side, opset). The side is the smallest that the model's fixed-size
# adaptive pooling exports at (VGG and AlexNet pool to 7x7 and 6x6: ONNX has no adaptive pooling,
# so the exporter needs features that divide evenly, which 224 gives); the rest run at 64x64.
MODELS = {
    "resnet18": (tv.resnet18, 64, 13),
    "resnet50": (tv.resnet50, 64, 13),
    "vgg11": (tv.vgg11, 224, 13),
    "alexnet": (tv.alexnet, 224, 13),
    "squeezenet1_0": (tv.squeezenet1_0, 64, 13),
    "squeezenet1_1": (tv.squeezenet1_1, 64, 13),
    "mobilenet_v2": (tv.mobilenet_v2, 64, 13),
    "mobilenet_v3_small": (tv.mobilenet_v3_small, 64, 14),
    "mobilenet_v3_large": (tv.mobilenet_v3_large, 64, 14),
    "googlenet": (lambda: tv.googlenet(aux_logits=False, init_weights=True), 64, 13),
    "densenet121": (tv.densenet121, 64, 13),
    "mnasnet0_5": (tv.mnasnet0_5, 64, 15),
    "regnet_x_400mf": (tv.regnet_x_400mf, 64, 15),
    "efficientnet_b0": (tv.efficientnet_b0, 64, 17),
    "shufflenet_v2_x0_5": (tv.shufflenet_v2_x0_5, 64, 13),
    "shufflenet_v2_x1_0": (tv.shufflenet_v2_x1_0, 64, 13),
}


def randomize_batch_norm(model, generator):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                c = m.num_features
                m.weight.copy_(torch.rand(c, generator=generator) + 0.5)
                m.bias.copy_(torch.rand(c, generator=generator) * 0.2 - 0.1)
                m.running_mean.copy_(torch.rand(c, generator=generator) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(c, generator=generator) + 0.5)


def export(name, out):
    make, side, opset = MODELS[name]
    torch.manual_seed(1)
    model = make()
    randomize_batch_norm(model, torch.Generator().manual_seed(2))
    model.eval()
    x = torch.randn(2, 3, side, side, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["x"], output_names=["y"])
    onnx.checker.check_model(path)
    np.save(os.path.join(out, name + ".x.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(out, name + ".y.npy"), y.numpy().astype(np.float32))
    return side, opset


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(MODELS)
    torch.set_num_threads(2)
    os.makedirs(out, exist_ok=True)
    for name in names:
        try:
            side, opset = export(name, out)
            print(f"{name} ok {side} {opset}", flush=True)
        except Exception as e:  # one model's failure is reported and the others still run
            reason = " ".join(str(e).split())[:300]
            print(f"{name} failed {type(e).__name__}: {reason}", flush=True)


if __name__ == "__main__":
    main()
