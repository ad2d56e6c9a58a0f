package dev.vaeforge.trainer.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaeforge.trainer.model.Likelihood;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaeFlopsTest {
    /**
     * 1x8x8, widths [2, 4], latent 3, counted by hand:
     * encoder conv0 1->2 at 4x4: 16*2*1*9 = 288; conv1 2->4 at 2x2: 4*4*2*9 = 288; flat 4*2*2 = 16,
     * mu and logvar 16*3 = 48 each: 672 MACs.
     * decoder linear 3 -> 4*2*2: 48; up to 4x4, conv 4->2: 16*2*4*9 = 1152; up to 8x8, conv 2->2:
     * 64*2*2*9 = 2304; output conv 2->1 at 8x8: 64*1*2*9 = 1152: 4656 MACs.
     */
    @Test
    void countsATinyArchitectureByHand() {
        VaeFlops f = VaeFlops.of(new VaeConfig(1, 8, 3, List.of(2, 4), Likelihood.BERNOULLI, 0));
        assertEquals(List.of(288L, 288L, 48L, 48L), f.encoderLayers().stream().map(VaeFlops.Layer::macs).toList());
        assertEquals(List.of(48L, 1152L, 2304L, 1152L), f.decoderLayers().stream().map(VaeFlops.Layer::macs).toList());
        assertEquals(672, f.encoderMacs());
        assertEquals(4656, f.decoderMacs());
        assertEquals(2 * (672 + 4656), f.forwardFlops());
        assertEquals(2 * 4656, f.sampleFlops());
        assertEquals(3 * 2 * (672 + 4656), f.trainFlops());
    }

    @Test
    void defaultCelebaModelIsAboutAQuarterGflop() {
        // 3x64x64, widths 32..512, latent 128: encoder 19.8 M MACs, decoder 117.0 M MACs
        VaeFlops f = VaeFlops.of(new VaeConfig(3, 64, 128, List.of(32, 64, 128, 256, 512), Likelihood.BERNOULLI, 0));
        assertEquals(884_736 + 4 * 4_718_592 + 2 * 2048L * 128, f.encoderMacs());
        assertEquals(128L * 2048 + 4 * 18_874_368 + 37_748_736 + 3_538_944, f.decoderMacs());
    }
}
