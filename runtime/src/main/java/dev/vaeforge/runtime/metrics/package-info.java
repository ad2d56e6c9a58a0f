/**
 * Evaluation metrics (definitions: docs/ARCHITECTURE.md, Metrics).
 *
 * <ul>
 *   <li>{@link dev.vaeforge.runtime.metrics.PixelMetrics}: MSE, PSNR, BCE and KL per image, plain Java
 *       in double. PSNR of identical images is {@code +Infinity}; BCE averages over every value of an
 *       image, channels included, as MSE does.
 *   <li>{@link dev.vaeforge.runtime.metrics.ImageQualityMetrics}: SSIM and GMSD of batches, computed by
 *       ONNX graphs ({@link dev.vaeforge.runtime.metrics.QualityGraph}) in ONNX Runtime so that the same
 *       code runs on CPU or, with the caller's session options, on a GPU.
 * </ul>
 *
 * <p>Choices behind the graphs, all measured on a 2-core AVX-512 machine (64x64 RGB, batch 64):
 * separable filters as depthwise convolutions over blocks of 16 image planes, which ONNX Runtime runs
 * with its NCHWc kernels (single-plane convolutions, or groups of 15 channels, made the whole graph
 * 2-4x slower; banded MatMuls built at run time, 1.5x); four filtered maps instead of five; second
 * moments of plane-centred values for float32 accuracy; SSIM and GMSD in one graph sharing the input
 * blocks; and on CPU, chunks of 16 images run side by side with one thread each.
 */
package dev.vaeforge.runtime.metrics;
