#!/usr/bin/python3
"""PyTorch (eager, CPU) peer of vaeforge's conv VAE for `vaeforge bench`.

Builds the same architecture as dev.vaeforge.trainer.vae.ConvVae (per width: conv 3x3 stride 2 pad 1,
BatchNorm, LeakyReLU(0.2); flatten; linear mu and logvar heads; decoder: linear, reshape, per stage
nearest x2 upsample, conv 3x3 pad 1, BatchNorm, LeakyReLU(0.2); conv 3x3 to the image channels; sigmoid
at inference), the same loss (Bernoulli cross-entropy from logits summed per image + KL, batch mean),
Adam lr 1e-3, and measures the figures the Java harness measures. Prints one JSON object on stdout.
"""
import argparse
import json
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


class Vae(nn.Module):
    def __init__(self, channels, size, widths, latent):
        super().__init__()
        layers, c = [], channels
        for w in widths:
            layers += [nn.Conv2d(c, w, 3, stride=2, padding=1), nn.BatchNorm2d(w), nn.LeakyReLU(0.2)]
            c = w
        layers.append(nn.Flatten())
        self.body = nn.Sequential(*layers)
        self.b = size >> len(widths)
        self.top = widths[-1]
        flat = self.top * self.b * self.b
        self.mu = nn.Linear(flat, latent)
        self.logvar = nn.Linear(flat, latent)
        dec = []
        self.lin = nn.Linear(latent, flat)
        c = self.top
        for i in range(len(widths) - 1, -1, -1):
            out = widths[i - 1] if i > 0 else widths[0]
            dec += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c, out, 3, padding=1),
                    nn.BatchNorm2d(out), nn.LeakyReLU(0.2)]
            c = out
        dec.append(nn.Conv2d(c, channels, 3, padding=1))
        self.dec = nn.Sequential(*dec)

    def encode(self, x):
        h = self.body(x)
        return self.mu(h), self.logvar(h)

    def decode_logits(self, z):
        return self.dec(self.lin(z).view(-1, self.top, self.b, self.b))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu) if self.training else mu
        return self.decode_logits(z), mu, logvar


def loss_fn(x, logits, mu, logvar):
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).sum(1)
    return (recon + kl).mean()


def rate(fn, images_per_call, seconds, min_calls=3):
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        el = time.perf_counter() - start
        if calls >= min_calls and el >= seconds:
            return images_per_call * calls / el


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--widths", default="32,32,64,64")
    p.add_argument("--latent", type=int, default=10)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--recon-batches", default="1,16,64,256")
    p.add_argument("--latency-iters", type=int, default=200)
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--train-only", action="store_true", help="measure training only")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(a.threads)
    except RuntimeError:
        pass
    torch.manual_seed(0)
    widths = [int(w) for w in a.widths.split(",")]
    model = Vae(a.channels, a.size, widths, a.latent)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(a.batch, a.channels, a.size, a.size)

    def step():
        opt.zero_grad(set_to_none=True)
        logits, mu, logvar = model(x)
        loss = loss_fn(x, logits, mu, logvar)
        loss.backward()
        opt.step()
        return loss.item()

    model.train()
    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        last = step()
    train_s = time.perf_counter() - start

    model.eval()
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mode": "eager",
           "train_images_per_s": a.batch * a.steps / train_s, "train_steps": a.steps, "final_loss": last,
           "reconstruct_images_per_s": {}}
    if a.train_only:
        json.dump(out, sys.stdout)
        print()
        return
    with torch.inference_mode():
        for b in [int(v) for v in a.recon_batches.split(",")]:
            xb = torch.rand(b, a.channels, a.size, a.size)
            fn = lambda: torch.sigmoid(model.decode_logits(model.encode(xb)[0]))
            fn()
            fn()
            out["reconstruct_images_per_s"][str(b)] = rate(fn, b, a.seconds)
        x1 = torch.rand(1, a.channels, a.size, a.size)
        for _ in range(10):
            torch.sigmoid(model.decode_logits(model.encode(x1)[0]))
        lat = []
        for _ in range(a.latency_iters):
            t = time.perf_counter()
            torch.sigmoid(model.decode_logits(model.encode(x1)[0]))
            lat.append((time.perf_counter() - t) * 1e3)
        lat.sort()
        out["latency_ms_p50"] = lat[len(lat) // 2]
        out["latency_ms_p99"] = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        sb = a.batch
        sfn = lambda: torch.sigmoid(model.decode_logits(torch.randn(sb, a.latent)))
        sfn()
        out["sample_images_per_s"] = rate(sfn, sb, a.seconds)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
