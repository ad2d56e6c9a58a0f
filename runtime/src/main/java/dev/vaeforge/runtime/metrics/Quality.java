package dev.vaeforge.runtime.metrics;

/** SSIM and GMSD of one image against its counterpart (definitions in docs/ARCHITECTURE.md, Metrics). */
public record Quality(double ssim, double gmsd) {
}
