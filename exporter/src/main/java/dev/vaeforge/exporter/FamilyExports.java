package dev.vaeforge.exporter;

import ai.djl.nn.Block;
import dev.vaeforge.exporter.cvae.CvaeExport;
import dev.vaeforge.exporter.hvae.HvaeExport;
import dev.vaeforge.exporter.vae.VaeExport;
import dev.vaeforge.exporter.vaegan.VaeGanExport;
import dev.vaeforge.exporter.vqvae.VqVaeExport;
import java.util.List;
import java.util.Optional;

/**
 * The one list of graph-set exports, like {@code runtime/data/Datasets.java} lists dataset schemes: a
 * new kind of model is one {@link GraphSetExport} in its own package plus one line here. An export is
 * chosen by the trained block's class, so families that share a block (vae, beta-vae, capacity-vae
 * all train a {@code ConvVae}) share its export without being named.
 */
public final class FamilyExports {
    private static final List<GraphSetExport<?>> ALL = List.of(new VaeExport(), new CvaeExport(), new VqVaeExport(),
            new VaeGanExport(), new HvaeExport());

    private FamilyExports() {
    }

    public static List<GraphSetExport<?>> all() {
        return ALL;
    }

    /** The export of blocks of exactly {@code block}'s class, if one is registered. */
    public static Optional<GraphSetExport<?>> of(Class<? extends Block> block) {
        return ALL.stream().filter(e -> e.blockType() == block).findFirst();
    }

    /** Translates {@code block} with its registered export. */
    static GraphSet export(Block block, ExportContext context) {
        GraphSetExport<?> export = of(block.getClass()).orElseThrow(() -> new IllegalArgumentException(
                "no export is registered for blocks of " + block.getClass().getName() + " (see FamilyExports)"));
        return run(export, block, context);
    }

    private static <B extends Block> GraphSet run(GraphSetExport<B> export, Block block, ExportContext context) {
        return export.export(export.blockType().cast(block), context);
    }
}
