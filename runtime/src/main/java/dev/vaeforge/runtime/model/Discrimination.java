package dev.vaeforge.runtime.model;

/** A discriminator's verdict on {@code n} images: logit[n] of "real image" and each image's feature map. */
public record Discrimination(float[] logits, float[] features, long[] featureShape, int n) {
}
