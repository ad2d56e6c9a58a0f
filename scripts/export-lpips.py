#!/usr/bin/env python3
"""Export LPIPS (Zhang et al. 2018, the official `lpips` package) to the ONNX graph vaeforge takes.

vaeforge cannot ship the pretrained LPIPS weights (their licence terms differ from ours: the
backbones were trained on ImageNet), so a user makes the graph once on a machine with Python:

    pip install lpips torch torchvision onnx          # onnxruntime too, for the check below
    python3 scripts/export-lpips.py --net vgg --out lpips_vgg.onnx
    ./vaeforge lpips install lpips_vgg.onnx           # checks it, then evaluate/compare/demo use it

The graph contract (what `LpipsModel` checks when it opens a graph): inputs `a` and `b`, float32
[N,3,H,W] with values in [-1,1]; output `d`, float32 [N,1,1,1], one distance per pair; N, H and W
dynamic; opset 17; one self-contained .onnx file. The scaling layer is inside the graph, as in the
package. `--net` is `vgg` (LPIPS-VGG16, the variant of the CelebA comparison vaeforge follows),
`alex` (the package's default, the fastest) or `squeeze` (SqueezeNet 1.1, the smallest). The
backbone is written into the graph's metadata (`lpips.backbone`) when the `onnx` package is
present; vaeforge otherwise recognises it from the graph's structure.

With onnxruntime installed the script also runs the exported graph and compares it with PyTorch on
random pairs at two sizes (it fails above 1e-4). The smallest image each backbone accepts:
alex 31x31, squeeze 17x17, vgg 16x16 (vaeforge derives it from the graph and leaves LPIPS
"not computed" for smaller images). Never run in CI; vaeforge itself needs no Python.
"""
import argparse
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--net", choices=["vgg", "alex", "squeeze"], required=True, help="the LPIPS backbone")
    p.add_argument("--out", required=True, help="the .onnx file to write")
    p.add_argument("--version", default="0.1", help="LPIPS linear-layer version (default 0.1)")
    p.add_argument("--no-check", action="store_true", help="skip the onnxruntime comparison")
    args = p.parse_args()

    try:
        import lpips
        import torch
    except ImportError as e:
        sys.exit(f"export-lpips: {e.name} is not installed; pip install lpips torch torchvision onnx onnxruntime")

    class Contract(torch.nn.Module):
        """LPIPS as vaeforge calls it: (a, b) in [-1,1] -> d [N,1,1,1]."""

        def __init__(self, net, version):
            super().__init__()
            self.lpips = lpips.LPIPS(net=net, version=version, lpips=True, spatial=False, verbose=False)

        def forward(self, a, b):
            return self.lpips(a, b, normalize=False)

    model = Contract(args.net, args.version).eval()
    a = torch.rand(2, 3, 64, 64) * 2 - 1
    b = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        torch.onnx.export(model, (a, b), args.out, input_names=["a", "b"], output_names=["d"], opset_version=17,
                          do_constant_folding=True,
                          dynamic_axes={"a": {0: "N", 2: "H", 3: "W"}, "b": {0: "N", 2: "H", 3: "W"}, "d": {0: "N"}})
    try:
        import onnx
        m = onnx.load(args.out)
        for key, value in (("lpips.backbone", args.net), ("lpips.version", args.version),
                           ("lpips.source", f"lpips {getattr(lpips, '__version__', '?')} via scripts/export-lpips.py")):
            entry = m.metadata_props.add()
            entry.key, entry.value = key, value
        onnx.checker.check_model(m)
        onnx.save(m, args.out)
    except ImportError:
        print("export-lpips: onnx is not installed; the graph has no lpips.backbone metadata (vaeforge recognises "
              "the backbone from its structure)", file=sys.stderr)
    print(f"wrote {args.out}: LPIPS-{args.net} v{args.version}, inputs a, b [N,3,H,W] in [-1,1], output d [N,1,1,1]")

    if args.no_check:
        return
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        print("export-lpips: onnxruntime is not installed; skipped the comparison with PyTorch", file=sys.stderr)
        return
    session = ort.InferenceSession(args.out, providers=["CPUExecutionProvider"])
    torch.manual_seed(0)
    worst = 0.0
    for n, h, w in ((3, 64, 64), (2, 100, 72)):
        x = torch.rand(n, 3, h, w) * 2 - 1
        y = (x + 0.3 * torch.randn_like(x)).clamp(-1, 1)
        with torch.no_grad():
            want = model(x, y).numpy()
        got = session.run(["d"], {"a": x.numpy(), "b": y.numpy()})[0]
        worst = max(worst, float(np.max(np.abs(got - want))))
    print(f"onnxruntime vs PyTorch: max |difference| {worst:.2e} over pairs at 64x64 and 100x72")
    if worst > 1e-4:
        sys.exit("export-lpips: the exported graph does not reproduce PyTorch; do not use it")


if __name__ == "__main__":
    main()
