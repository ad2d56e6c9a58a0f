package dev.vaeforge.trainer.vae;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Analytical cost of {@link ConvVae} per image, counted from the architecture: multiply-accumulates
 * (MACs) of every convolution and linear layer, FLOPs = 2 x MACs. Biases, batch norm, activations,
 * upsampling, the reparameterisation and the loss are not counted (they are a few FLOPs per element,
 * under 2% of the total for the default models). Training is counted as 3 x forward: the backward pass
 * as 2 x forward (gradients with respect to inputs and to weights), the usual convention; it slightly
 * overstates the first convolution, whose input gradient is never needed.
 */
public final class VaeFlops {
    /** One counted layer: its name and MACs per image. */
    public record Layer(String name, long macs) {
    }

    private final List<Layer> encoder;
    private final List<Layer> decoder;

    private VaeFlops(List<Layer> encoder, List<Layer> decoder) {
        this.encoder = Collections.unmodifiableList(encoder);
        this.decoder = Collections.unmodifiableList(decoder);
    }

    /** Counts {@code config}'s encoder (body and both heads) and decoder. */
    public static VaeFlops of(VaeConfig config) {
        List<Integer> widths = config.widths();
        List<Layer> enc = new ArrayList<>();
        int size = config.imageSize();
        int in = config.channels();
        for (int i = 0; i < widths.size(); i++) {
            int w = widths.get(i);
            size = (size + 2 - 3) / 2 + 1; // 3x3, stride 2, padding 1
            enc.add(new Layer("encoder.conv" + i, conv(in, w, 3, size)));
            in = w;
        }
        long flat = (long) in * size * size;
        enc.add(new Layer("encoder.mu", flat * config.latentDim()));
        enc.add(new Layer("encoder.logvar", flat * config.latentDim()));

        List<Layer> dec = new ArrayList<>();
        int b = config.bottleneckSize();
        int top = widths.get(widths.size() - 1);
        dec.add(new Layer("decoder.linear", (long) config.latentDim() * top * b * b));
        int s = b;
        int c = top;
        for (int i = widths.size() - 1; i >= 0; i--) {
            int out = i > 0 ? widths.get(i - 1) : widths.get(0);
            s *= 2;
            dec.add(new Layer("decoder.conv" + (widths.size() - 1 - i), conv(c, out, 3, s)));
            c = out;
        }
        dec.add(new Layer("decoder.out", conv(c, config.channels(), 3, s)));
        return new VaeFlops(enc, dec);
    }

    private static long conv(int in, int out, int k, int outSize) {
        return (long) outSize * outSize * out * in * k * k;
    }

    public List<Layer> encoderLayers() {
        return encoder;
    }

    public List<Layer> decoderLayers() {
        return decoder;
    }

    public long encoderMacs() {
        return encoder.stream().mapToLong(Layer::macs).sum();
    }

    public long decoderMacs() {
        return decoder.stream().mapToLong(Layer::macs).sum();
    }

    /** Encoder + decoder forward, per image (a reconstruction). */
    public long forwardFlops() {
        return 2 * (encoderMacs() + decoderMacs());
    }

    /** Decoder forward only, per image (a prior sample). */
    public long sampleFlops() {
        return 2 * decoderMacs();
    }

    /** One training step per image: forward + backward counted as 2 x forward. */
    public long trainFlops() {
        return 3 * forwardFlops();
    }
}
