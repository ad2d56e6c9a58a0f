package dev.vaeforge.trainer.train;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesData;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.betavae.BetaVaeConfig;
import dev.vaeforge.trainer.capacityvae.CapacityVaeConfig;
import dev.vaeforge.trainer.cvae.CvaeConfig;
import dev.vaeforge.trainer.betavae.KlSchedule;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.Span;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import java.util.List;

/** The built-in shapes at 16x16 (with their labels) and tiny configs of every family, for fast tests. */
public final class TinyShapes {
    public static final List<Integer> WIDTHS = List.of(8, 16);
    public static final List<String> CLASSES = List.of("square", "ellipse", "heart");
    /** 1 channel, 16x16, D = 4, widths 8,16, Bernoulli. */
    public static final Architecture ARCH = new Architecture(1, 16, 4, WIDTHS, Likelihood.BERNOULLI, 0);

    private TinyShapes() {
    }

    public static ArrayDataset dataset(int n, long seed) {
        ShapesData d = Shapes.generate(new ShapesSpec(n, 16, false, seed));
        return new ArrayDataset("shapes16", new ImageShape(1, 16, 16), d.pixels(), d.labels(), d.labelNames());
    }

    public static BetaVaeConfig betaVae(KlSchedule schedule, double freeBits) {
        return new BetaVaeConfig(ARCH, 4.0, schedule, freeBits);
    }

    public static CapacityVaeConfig capacityVae(Span span) {
        return new CapacityVaeConfig(ARCH, 100.0, 5.0, span);
    }

    public static CvaeConfig cvae() {
        return new CvaeConfig(ARCH, ConditionKind.LABELS, CLASSES);
    }

    /** A tiny VAE-GAN; {@code balance} false trains all three networks every step. */
    public static VaeGanConfig vaegan(boolean balance) {
        return new VaeGanConfig(ARCH, List.of(8, 16), null, 0.05, balance, null,
                null);
    }

    /** A tiny VAE-GAN whose equilibrium rule always stops the discriminator (its losses sit far below 100 nats). */
    public static VaeGanConfig vaeganDiscriminatorFrozen() {
        return new VaeGanConfig(ARCH, List.of(8, 16), null, 0.05, true, 100.0,
                0.1);
    }
}
