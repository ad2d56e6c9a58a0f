#!/usr/bin/python3
"""Builds the import fixtures: three small PyTorch models exported with torch.onnx.export, and PyTorch's own
outputs on fixed inputs, which vaeforge's imported bundles must reproduce (ImportFixturesTest, to 1e-4).

  /usr/bin/python3 scripts/make-import-fixtures.py [OUT_DIR]

OUT_DIR defaults to fixtures/src/main/resources/dev/vaeforge/fixtures/imports (committed). Needs Debian's
python3-torch and numpy; nothing is downloaded. Weights are seeded (torch.manual_seed), so one torch version
writes the same numbers every time. Each fixture directory gets:

  encoder.onnx, decoder.onnx [, quantizer.onnx]   the graphs, batch axis dynamic ('N')
  input.npy        float32 [4, C, H, W] images in [0, 1] (what vaeforge's runtime feeds, before its pixel mapping)
  mean.npy         the posterior mean in the runtime's latent space (Gaussian fixtures; times the latent scale)
  codes.npy        int64 [4, h, w] nearest codes (the VQ fixture)
  reconstruction.npy  float32 [4, C, H, W] in [0, 1]: decoder(mean) (or decoder(z_q)) mapped to [0, 1] as the
                   runtime maps that decoder's output (probabilities as they are; [-1, 1] pixels (x + 1) / 2, clipped)
  fixture.json     torch version, what each model imitates, and the `vaeforge import` options it needs
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

OPSET = 17
N = 4


class PythaeEncoder(nn.Module):
    """Pythae's Encoder_Conv_VAE_MNIST in miniature: convs, then two linear heads named as Pythae names them."""

    def __init__(self, latent=4):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 8, 4, 2, 1), nn.BatchNorm2d(8), nn.ReLU(),
                                  nn.Conv2d(8, 16, 4, 2, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.embedding = nn.Linear(16 * 4 * 4, latent)
        self.log_var = nn.Linear(16 * 4 * 4, latent)

    def forward(self, x):
        h = self.conv(x).flatten(1)
        return self.embedding(h), self.log_var(h)


class PythaeDecoder(nn.Module):
    """Pythae's Decoder_Conv_AE_MNIST in miniature: a linear layer, ConvTranspose2d upsampling, a sigmoid."""

    def __init__(self, latent=4):
        super().__init__()
        self.fc = nn.Linear(latent, 16 * 4 * 4)
        self.deconv = nn.Sequential(nn.ConvTranspose2d(16, 8, 4, 2, 1), nn.BatchNorm2d(8), nn.ReLU(),
                                    nn.ConvTranspose2d(8, 1, 4, 2, 1), nn.Sigmoid())

    def forward(self, z):
        return self.deconv(self.fc(z).reshape(-1, 16, 4, 4))


class ResnetBlock(nn.Module):
    """diffusers' ResnetBlock2D without the time embedding: GroupNorm, SiLU, conv, twice, plus the input."""

    def __init__(self, ch):
        super().__init__()
        self.norm1 = nn.GroupNorm(4, ch, eps=1e-6)
        self.conv1 = nn.Conv2d(ch, ch, 3, 1, 1)
        self.norm2 = nn.GroupNorm(4, ch, eps=1e-6)
        self.conv2 = nn.Conv2d(ch, ch, 3, 1, 1)

    def forward(self, x):
        h = self.conv1(nn.functional.silu(self.norm1(x)))
        h = self.conv2(nn.functional.silu(self.norm2(h)))
        return x + h


class KlEncoder(nn.Module):
    """AutoencoderKL.encode in miniature: conv_in, a resnet block, a strided downsample, norm, SiLU, conv_out to
    2 * latent channels, quant_conv; the output is the moments (mean, then log-variance, along channels)."""

    def __init__(self, ch=16, latent=4):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch, 3, 1, 1)
        self.block = ResnetBlock(ch)
        self.down = nn.Conv2d(ch, ch, 3, 2, 1)
        self.norm_out = nn.GroupNorm(4, ch, eps=1e-6)
        self.conv_out = nn.Conv2d(ch, 2 * latent, 3, 1, 1)
        self.quant_conv = nn.Conv2d(2 * latent, 2 * latent, 1)

    def forward(self, sample):
        h = self.down(self.block(self.conv_in(sample)))
        moments = self.quant_conv(self.conv_out(nn.functional.silu(self.norm_out(h))))
        # diffusers clamps the log-variance to [-30, 20] in DiagonalGaussianDistribution
        mean, logvar = torch.chunk(moments, 2, dim=1)
        return torch.cat([mean, torch.clamp(logvar, -30.0, 20.0)], dim=1)


class KlDecoder(nn.Module):
    """AutoencoderKL.decode in miniature: post_quant_conv, conv_in, a resnet block, nearest upsampling and a conv,
    norm, SiLU, conv_out; the output is an image in [-1, 1] (unbounded: diffusers clamps after decoding)."""

    def __init__(self, ch=16, latent=4):
        super().__init__()
        self.post_quant_conv = nn.Conv2d(latent, latent, 1)
        self.conv_in = nn.Conv2d(latent, ch, 3, 1, 1)
        self.block = ResnetBlock(ch)
        self.up = nn.Conv2d(ch, ch, 3, 1, 1)
        self.norm_out = nn.GroupNorm(4, ch, eps=1e-6)
        self.conv_out = nn.Conv2d(ch, 3, 3, 1, 1)

    def forward(self, z):
        h = self.block(self.conv_in(self.post_quant_conv(z)))
        h = self.up(nn.functional.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.conv_out(nn.functional.silu(self.norm_out(h)))


class VqEncoder(nn.Module):
    def __init__(self, dim=4):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 8, 4, 2, 1), nn.ReLU(), nn.Conv2d(8, dim, 4, 2, 1))

    def forward(self, x):
        return self.net(x)


class VqQuantizer(nn.Module):
    """VQ-VAE's nearest-code lookup (van den Oord et al. 2017): argmin of squared distances to the codebook."""

    def __init__(self, codes=16, dim=4):
        super().__init__()
        self.embedding = nn.Embedding(codes, dim)
        self.embedding.weight.data.uniform_(-1.0, 1.0)

    def forward(self, z_e):
        n, d, h, w = z_e.shape
        flat = z_e.permute(0, 2, 3, 1).reshape(-1, d)
        e = self.embedding.weight
        dist = (flat ** 2).sum(1, keepdim=True) - 2 * flat @ e.t() + (e ** 2).sum(1)[None, :]
        idx = torch.argmin(dist, dim=1)
        quantized = self.embedding(idx).reshape(n, h, w, d).permute(0, 3, 1, 2)
        return idx.reshape(n, h, w), quantized, e * 1.0


class VqDecoder(nn.Module):
    def __init__(self, dim=4):
        super().__init__()
        self.net = nn.Sequential(nn.ConvTranspose2d(dim, 8, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(8, 1, 4, 2, 1),
                                 nn.Sigmoid())

    def forward(self, z):
        return self.net(z)


def export(module, args, path, inputs, outputs, fold=True):
    dynamic = {name: {0: "N"} for name in inputs + outputs}
    dynamic.pop("embedding_table", None)
    # without folding, an output computed from weights alone (the codebook) keeps its name
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                      opset_version=OPSET, do_constant_folding=fold)


def randomize_batchnorm(module, gen):
    """Trained-looking BatchNorm statistics, so the exported graphs do not fold them to the identity."""
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2, generator=gen)
            m.running_var.uniform_(0.5, 1.5, generator=gen)


def save(path, array):
    np.save(path, np.ascontiguousarray(array))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures",
                                                             "src", "main", "resources", "dev", "vaeforge", "fixtures",
                                                             "imports")
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(7)
    meta = {"torch": torch.__version__, "opset": OPSET, "fixtures": {}}
    with torch.no_grad():
        # (1) Pythae-style convolutional VAE on 1x16x16 images in [0, 1]
        d = os.path.join(out, "pythae-conv-vae")
        os.makedirs(d, exist_ok=True)
        torch.manual_seed(1)
        enc, dec = PythaeEncoder().eval(), PythaeDecoder().eval()
        randomize_batchnorm(enc, gen)
        randomize_batchnorm(dec, gen)
        x = torch.rand(N, 1, 16, 16, generator=gen)
        export(enc, (x,), os.path.join(d, "encoder.onnx"), ["x"], ["embedding", "log_covariance"])
        mu, _ = enc(x)
        export(dec, (mu,), os.path.join(d, "decoder.onnx"), ["z"], ["reconstruction"])
        save(os.path.join(d, "input.npy"), x.numpy())
        save(os.path.join(d, "mean.npy"), mu.numpy())
        save(os.path.join(d, "reconstruction.npy"), dec(mu).numpy())
        meta["fixtures"]["pythae-conv-vae"] = {
            "imitates": "Pythae VAE with Encoder_Conv_VAE_MNIST / Decoder_Conv_AE_MNIST (ConvTranspose2d, sigmoid)",
            "import": []}

        # (2) AutoencoderKL-style KL autoencoder on 3x16x16 images in [-1, 1], latent [4, 8, 8]
        d = os.path.join(out, "kl-autoencoder")
        os.makedirs(d, exist_ok=True)
        torch.manual_seed(2)
        enc, dec = KlEncoder().eval(), KlDecoder().eval()
        scale = 0.18215
        x = torch.rand(N, 3, 16, 16, generator=gen)
        export(enc, (2 * x - 1,), os.path.join(d, "encoder.onnx"), ["sample"], ["moments"])
        mean = enc(2 * x - 1)[:, :4]
        export(dec, (mean,), os.path.join(d, "decoder.onnx"), ["z"], ["sample"])
        save(os.path.join(d, "input.npy"), x.numpy())
        save(os.path.join(d, "mean.npy"), (mean * scale).numpy())
        save(os.path.join(d, "reconstruction.npy"), torch.clamp((dec(mean) + 1) / 2, 0, 1).numpy())
        meta["fixtures"]["kl-autoencoder"] = {
            "imitates": "diffusers AutoencoderKL (GroupNorm + SiLU resnet blocks, moments concatenated, [-1, 1] pixels,"
                        " scaling_factor 0.18215)",
            "import": ["--moments", "concat", "--decoder-output", "pixels", "--pixel-range", "-1:1",
                       "--likelihood", "gaussian:0.1", "--latent-scale", str(scale)]}

        # (3) VQ model on 1x16x16 images in [0, 1]: codes 4x4 of 16 codes, dimension 4
        d = os.path.join(out, "vq-model")
        os.makedirs(d, exist_ok=True)
        torch.manual_seed(3)
        enc, quant, dec = VqEncoder().eval(), VqQuantizer().eval(), VqDecoder().eval()
        x = torch.rand(N, 1, 16, 16, generator=gen)
        export(enc, (x,), os.path.join(d, "encoder.onnx"), ["x"], ["z_e"])
        ze = enc(x)
        export(quant, (ze,), os.path.join(d, "quantizer.onnx"), ["z_e"],
               ["encoding_indices", "quantized", "embedding_table"], fold=False)
        idx, zq, _ = quant(ze)
        export(dec, (zq,), os.path.join(d, "decoder.onnx"), ["quantized"], ["reconstruction"])
        save(os.path.join(d, "input.npy"), x.numpy())
        save(os.path.join(d, "codes.npy"), idx.numpy().astype(np.int64))
        save(os.path.join(d, "reconstruction.npy"), dec(zq).numpy())
        meta["fixtures"]["vq-model"] = {
            "imitates": "VQ-VAE (conv encoder, nearest-code quantizer returning indices, z_q and the codebook)",
            "import": []}
    with open(os.path.join(out, "fixtures.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print("wrote", os.path.abspath(out))


if __name__ == "__main__":
    main()
