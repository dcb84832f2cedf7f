#!/usr/bin/env python3
"""Exports torchvision's classification models with random weights to ONNX, each with an input
and PyTorch's output for it, for conv4j-onnx's TorchvisionImportTest (which runs this script and
skips when python3 lacks torch, torchvision or onnx; nothing else needs it).

Usage: /usr/bin/python3 scripts/export_torchvision_onnx.py [--dynamic-hw] [--side S] OUT_DIR [MODEL ...]

For each model NAME it writes OUT_DIR/NAME.onnx, NAME.x.npy (a float32 batch of 2) and NAME.y.npy
(PyTorch's float32 output for it), and prints one line "NAME ok SIZE OPSET" or "NAME failed REASON".
The models are in eval mode. BatchNorm's affine parameters and running statistics are made random
too (the default init leaves them 1 and 0, which a mapping could get wrong unnoticed); the
exporter folds BatchNorm into the convolutions, as it does for any eval-mode export.

--dynamic-hw exports the input's N, H and W as dynamic axes ("N", "H", "W"), as a model meant for
any image size is exported: conv4j imports such a file given the size (conv4j import/infer
--input-shape 3,H,W). --side S takes the input (and PyTorch's output) at S x S instead of the
model's side; the graph written is the same for every side when H and W are dynamic.
"""
import argparse
import os
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


def export(name, out, dynamic_hw=False, side=None):
    make, default_side, opset = MODELS[name]
    side = side or default_side
    torch.manual_seed(1)
    model = make()
    randomize_batch_norm(model, torch.Generator().manual_seed(2))
    model.eval()
    x = torch.randn(2, 3, side, side, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, name + ".onnx")
    dynamic = {"x": {0: "N", 2: "H", 3: "W"}, "y": {0: "N"}} if dynamic_hw else None
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["x"], output_names=["y"], dynamic_axes=dynamic)
    onnx.checker.check_model(path)
    np.save(os.path.join(out, name + ".x.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(out, name + ".y.npy"), y.numpy().astype(np.float32))
    return side, opset


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dynamic-hw", action="store_true", help="export N, H and W as dynamic axes")
    parser.add_argument("--side", type=int, help="the input's height and width (default: the model's)")
    parser.add_argument("out")
    parser.add_argument("models", nargs="*", metavar="MODEL", help="of " + ", ".join(MODELS) + " (default: all)")
    args = parser.parse_args()
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        parser.error("unknown model(s) " + ", ".join(unknown))
    names = args.models or list(MODELS)
    out = args.out
    torch.set_num_threads(2)
    os.makedirs(out, exist_ok=True)
    for name in names:
        try:
            side, opset = export(name, out, args.dynamic_hw, args.side)
            print(f"{name} ok {side} {opset}", flush=True)
        except Exception as e:  # one model's failure is reported and the others still run
            reason = " ".join(str(e).split())[:300]
            print(f"{name} failed {type(e).__name__}: {reason}", flush=True)


if __name__ == "__main__":
    main()
