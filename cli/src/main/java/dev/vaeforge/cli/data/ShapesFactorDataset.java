package dev.vaeforge.cli.data;

import dev.vaeforge.fixtures.ShapeFactorGrid;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesData;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.FactorDataset;
import dev.vaeforge.runtime.data.FactorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.List;

/**
 * The generated {@code shapes} images with their factors as a {@link FactorDataset}: each image's
 * factors binned by {@link ShapeFactorGrid}, and any bin combination drawn at its centre. Lives in the CLI
 * because the generator is in vaeforge-fixtures, which the runtime must not depend on.
 */
final class ShapesFactorDataset implements FactorDataset {
    private final ArrayDataset images;
    private final boolean rgb;
    private final int size;
    private final FactorSpec factors;
    private final int[] classes;

    ShapesFactorDataset(String name, ShapesData data) {
        this.rgb = data.spec().rgb();
        this.size = data.size();
        this.images = new ArrayDataset(name, new ImageShape(data.channels(), size, size), data.pixels(), data.labels(),
                data.labelNames());
        int[] sizes = ShapeFactorGrid.sizes(rgb);
        double[][] values = new double[sizes.length][];
        for (int k = 0; k < sizes.length; k++) {
            values[k] = ShapeFactorGrid.centres(k, rgb);
        }
        this.factors = new FactorSpec(ShapeFactorGrid.names(rgb), sizes, values);
        int k = sizes.length;
        this.classes = new int[data.count() * k];
        for (int i = 0; i < data.count(); i++) {
            int[] c = ShapeFactorGrid.classes(Shapes.sampleFactors(data.spec().seed(), i), rgb);
            System.arraycopy(c, 0, classes, i * k, k);
        }
    }

    @Override
    public FactorSpec factors() {
        return factors;
    }

    @Override
    public void factorClasses(int index, int[] dst) {
        System.arraycopy(classes, index * factors.count(), dst, 0, factors.count());
    }

    @Override
    public void render(int[] c, float[] dst, int offset) {
        Shapes.render(ShapeFactorGrid.centre(c, rgb), size, rgb, dst, offset);
    }

    @Override
    public ImageShape shape() {
        return images.shape();
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        images.read(index, dst, offset);
    }

    @Override
    public int label(int index) {
        return images.label(index);
    }

    @Override
    public List<String> labelNames() {
        return images.labelNames();
    }

    @Override
    public String description() {
        return images.description() + ", factors " + factors;
    }

    @Override
    public String fingerprint() {
        return images.fingerprint();
    }
}
