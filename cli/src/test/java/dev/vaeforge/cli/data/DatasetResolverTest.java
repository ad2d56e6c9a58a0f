package dev.vaeforge.cli.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.FolderDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.data.SplitSizes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetResolverTest {
    @TempDir
    Path dir;

    @Test
    void plainShapesIsTheDocumentedDefault() throws IOException {
        assertEquals(ShapesSpec.DEFAULT, DatasetResolver.parseShapes("shapes", null));
        DatasetResolver.TrainingData split = DatasetResolver.training("shapes", null, DatasetOptions.defaults());
        assertEquals(new ImageShape(1, 64, 64), split.train().shape());
        assertEquals(410, split.test().size());
        assertEquals(4096 - 410, split.train().size());
        assertEquals(Split.TEST, split.heldOut());
        assertEquals("seeded split: 10% test, 0% valid, seed 0; tested on test", split.split());
        assertEquals(List.of("square", "ellipse", "heart"), split.train().labelNames());
        assertTrue(split.test().description().startsWith("shapes:n=4096,size=64,gray,seed=0 (4096 images"),
                split.test().description());
    }

    @Test
    void shapesOptionsAreParsed() {
        assertEquals(new ShapesSpec(4096, 64, true, 0), DatasetResolver.parseShapes("shapes:rgb", null));
        assertEquals(new ShapesSpec(2048, 32, true, 7),
                DatasetResolver.parseShapes("shapes:n=2048,size=32,rgb,seed=7", null));
        assertEquals(new ShapesSpec(10, 64, false, -3),
                DatasetResolver.parseShapes(" Shapes: count=10 , gray, seed=-3 ", null));
        assertEquals("shapes:n=2048,size=32,rgb,seed=7",
                DatasetResolver.canonical(new ShapesSpec(2048, 32, true, 7)));
    }

    @Test
    void badShapesOptionsNameTheProblem() {
        assertMessage("unknown shapes option 'colour' in 'shapes:colour'; expected n=COUNT, size=PIXELS, rgb,"
                + " gray, seed=LONG", "shapes:colour");
        assertMessage("'n=many' in 'shapes:n=many' is not a whole number up to 2147483647", "shapes:n=many");
        assertMessage("'size' needs a value in 'shapes:size=', e.g. size=64", "shapes:size=");
        assertMessage("'gray' given twice in 'shapes:rgb,gray'", "shapes:rgb,gray");
        assertMessage("'rgb' takes no value in 'shapes:rgb=1'", "shapes:rgb=1");
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> DatasetResolver.parseShapes("shapes:size=8", null));
        assertTrue(tooSmall.getMessage().contains("at least 16"), tooSmall.getMessage());
    }

    private static void assertMessage(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetResolver.parseShapes(spec, null));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void requestedShapeFillsInAndMustAgree() {
        assertEquals(new ShapesSpec(100, 32, true, 0),
                DatasetResolver.parseShapes("shapes:n=100", new ImageShape(3, 32, 32)));
        IllegalArgumentException conflict = assertThrows(IllegalArgumentException.class,
                () -> DatasetResolver.parseShapes("shapes:size=64", new ImageShape(1, 32, 32)));
        assertEquals("'shapes:size=64' asks for size 64 but the requested image shape is 1x32x32",
                conflict.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DatasetResolver.parseShapes("shapes:gray", new ImageShape(3, 32, 32)));
        assertThrows(IllegalArgumentException.class,
                () -> DatasetResolver.parseShapes("shapes", new ImageShape(1, 32, 48)));
    }

    @Test
    void shapesDatasetHoldsTheGeneratedImages() throws IOException {
        ImageDataset ds = DatasetResolver.open("shapes:n=20,size=24,rgb,seed=5", DatasetOptions.defaults());
        assertEquals(20, ds.size());
        float[] img = new float[ds.shape().size()];
        ds.read(7, img, 0);
        assertArrayEquals(Shapes.render(Shapes.sampleFactors(5, 7), 24, true), img);
        assertEquals(Shapes.sampleFactors(5, 7).shape().ordinal(), ds.label(7));
    }

    @Test
    void splitSizesAndSeedAreSettable() throws IOException {
        DatasetOptions one = DatasetOptions.defaults().withSplitSizes(new SplitSizes(0.1, 0.25, 1));
        DatasetResolver.TrainingData a = DatasetResolver.training("shapes:n=100,size=16", null, one);
        assertEquals(65, a.train().size());
        assertEquals(10, a.test().size(), "validation images exist, so the run tests on them");
        assertEquals(Split.VALID, a.heldOut());
        assertEquals(25, DatasetResolver.openSplit("shapes:n=100,size=16", Split.TEST, one).size());
        DatasetOptions two = DatasetOptions.defaults().withSplitSizes(new SplitSizes(0.1, 0.25, 2));
        assertNotEquals(a.test().fingerprint(), DatasetResolver.training("shapes:n=100,size=16", null, two).test()
                .fingerprint());
        assertEquals(a.test().fingerprint(), DatasetResolver.training("shapes:n=100,size=16", Split.VALID, one).test()
                .fingerprint());
        assertThrows(IllegalArgumentException.class,
                () -> DatasetResolver.training("shapes:n=100,size=16", Split.TRAIN, one));
        assertThrows(IllegalArgumentException.class, () -> DatasetResolver.openSplit("shapes:n=2,size=16", Split.TRAIN,
                DatasetOptions.defaults().withSplitSizes(new SplitSizes(0.4, 0.4, 0))));
    }

    @Test
    void otherSpecsGoToTheRuntime() throws IOException {
        SampleImages.writeTo(dir.resolve("a.png"), SampleFormat.PNG_GRAY, 16, 16, 0);
        SampleImages.writeTo(dir.resolve("b.png"), SampleFormat.PNG_GRAY, 16, 16, 1);
        ImageDataset ds = DatasetResolver.open("folder:" + dir, DatasetOptions.defaults());
        assertTrue(ds instanceof FolderDataset);
        assertEquals(1, DatasetResolver.openSplit("folder:" + dir, Split.TEST, DatasetOptions.defaults()).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetResolver.open("lmdb:/x", DatasetOptions.defaults()));
        assertTrue(e.getMessage().startsWith("unknown dataset scheme 'lmdb'"), e.getMessage());
        // "shapesque" is not the shapes dataset
        assertThrows(IllegalArgumentException.class, () -> DatasetResolver.open("shapesque", DatasetOptions.defaults()));
    }
}
