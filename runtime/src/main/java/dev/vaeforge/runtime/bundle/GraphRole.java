package dev.vaeforge.runtime.bundle;

import java.util.Locale;

/** The graphs of a bundle, by the role they play; the file is {@code <role>.onnx}. */
public enum GraphRole {
    ENCODER, DECODER, QUANTIZER, DISCRIMINATOR;

    /** The key in manifest.json's "graphs" object. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String fileName() {
        return key() + ".onnx";
    }
}
