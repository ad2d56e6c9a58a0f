package dev.vaeforge.trainer.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * z[N,D] -> logits[N,C,H,W]: linear to the bottleneck, then per stage nearest x2 upsampling, 3x3
 * convolution, batch norm and LeakyReLU, and a final 3x3 convolution to the image channels. The
 * decoder graph applies a sigmoid to these logits (pixel probabilities / means in [0,1]).
 */
public final class ConvDecoder {
    private ConvDecoder() {
    }

    /**
     * @param widths the encoder's widths, in encoder order; the decoder uses them reversed
     */
    public static SequentialBlock build(List<Integer> widths, int channels, int bottleneck) {
        SequentialBlock b = new SequentialBlock();
        int top = widths.get(widths.size() - 1);
        b.add(Linear.builder().setUnits((long) top * bottleneck * bottleneck).build());
        b.add(new Reshape(top, bottleneck, bottleneck));
        return addUpStages(b, widths, channels);
    }

    /**
     * Appends the decoder's stages to {@code b}: per width, in reverse order, nearest x2 upsampling,
     * 3x3 conv, batch norm and LeakyReLU 0.2, then a 3x3 conv to {@code channels} logits; a feature
     * map [N, last width, h, w] becomes logits [N, channels, h 2^k, w 2^k] for k widths.
     *
     * @return {@code b}
     */
    public static SequentialBlock addUpStages(SequentialBlock b, List<Integer> widths, int channels) {
        for (int i = widths.size() - 1; i >= 0; i--) {
            int out = i > 0 ? widths.get(i - 1) : widths.get(0);
            b.add(new UpsampleNearest(2));
            b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(out).build());
            b.add(BatchNorm.builder().build());
            b.add(Activation.leakyRelu(0.2f));
        }
        b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(channels).build());
        return b;
    }
}
