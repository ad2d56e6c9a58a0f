"""Writes torch-tiny-lpips.onnx, the fixture for LpipsTorchExportTest.

A real torch.onnx.export of an LPIPS-shaped network (the lpips package's scaling layer,
channel-wise unit normalisation, squared difference, non-negative 1x1 linear layers, spatial mean,
sum over taps) with a tiny two-layer backbone and seeded random weights, so the test proves that a
genuine PyTorch export (its node and dimension naming) passes LpipsModel's signature check and
gives PyTorch's numbers. The export call is the runtime README's, with H and W dynamic as well.
Made with Debian's python3-torch 1.13.1: /usr/bin/python3 make_torch_tiny_lpips.py
"""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)


class TinyLpips(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('shift', torch.tensor([-.030, -.088, -.188])[None, :, None, None])
        self.register_buffer('scale', torch.tensor([.458, .448, .450])[None, :, None, None])
        self.slice1 = nn.Sequential(nn.Conv2d(3, 8, 5, stride=2, padding=2), nn.ReLU())
        self.slice2 = nn.Sequential(nn.MaxPool2d(3, 2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.lins = nn.ModuleList([nn.Sequential(nn.Dropout(), nn.Conv2d(c, 1, 1, bias=False)) for c in (8, 16)])
        with torch.no_grad():
            for lin in self.lins:
                lin[1].weight.abs_()

    def features(self, x):
        x = (x - self.shift) / self.scale
        f1 = self.slice1(x)
        return [f1, self.slice2(f1)]

    def forward(self, a, b):
        val = 0
        for lin, fa, fb in zip(self.lins, self.features(a), self.features(b)):
            na = fa / (torch.sqrt(torch.sum(fa ** 2, dim=1, keepdim=True)) + 1e-10)
            nb = fb / (torch.sqrt(torch.sum(fb ** 2, dim=1, keepdim=True)) + 1e-10)
            val = val + lin((na - nb) ** 2).mean([2, 3], keepdim=True)
        return val


def images(n, h, w, offset):
    """Deterministic [0,1] images that the Java test recomputes exactly."""
    k = np.arange(n * 3 * h * w, dtype=np.int64)
    return torch.from_numpy((((k * 7919 + offset * 104729) % 1000) / 999.0).astype(np.float32).reshape(n, 3, h, w))


model = TinyLpips().eval()
a = torch.rand(2, 3, 32, 32) * 2 - 1
b = torch.rand(2, 3, 32, 32) * 2 - 1
torch.onnx.export(model, (a, b), 'torch-tiny-lpips.onnx', input_names=['a', 'b'], output_names=['d'],
                  opset_version=17,
                  dynamic_axes={'a': {0: 'N', 2: 'H', 3: 'W'}, 'b': {0: 'N', 2: 'H', 3: 'W'}, 'd': {0: 'N'}})
with torch.no_grad():
    for n, h, w in ((3, 32, 32), (2, 40, 48)):
        d = model(images(n, h, w, 1) * 2 - 1, images(n, h, w, 2) * 2 - 1)
        print(f'{n}x3x{h}x{w}:', ', '.join(f'{v:.9g}' for v in d.reshape(-1).tolist()))
