package dev.vaeforge.exporter;

import ai.djl.nn.Block;

/**
 * How one kind of trained model exports itself (as Tribuo's {@code ONNXExportable} models do): its
 * graphs with their manifest entries and measured parity, its latent, prior and likelihood. One
 * implementation per package ({@code exporter.vae}, {@code exporter.cvae}, ...), listed once in
 * {@link FamilyExports}, which picks it by the block's class.
 *
 * @param <B> the DJL block this export translates
 */
public interface GraphSetExport<B extends Block> {
    /** The block class this export serves (exactly that class; see {@link FamilyExports#of}). */
    Class<B> blockType();

    /**
     * Translates {@code block}'s graphs and measures each one's parity with {@link ParityCheck} on
     * random inputs drawn from {@link ExportContext#random()} in a fixed order (so the recorded parity
     * figures are reproducible from the manifest's parity seed). Refusing on parity is the caller's job.
     */
    GraphSet export(B block, ExportContext context);
}
