package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void folderSpecOpensAFolderDataset() throws IOException {
        SampleImages.writeTo(dir.resolve("x.png"), SampleFormat.PNG_RGB, 20, 20, 0);
        ImageDataset ds = Datasets.open("folder:" + dir, DatasetOptions.defaults());
        assertTrue(ds instanceof FolderDataset);
        assertEquals(new ImageShape(3, 20, 20), ds.shape());
        assertEquals(Set.of("folder", "celeba", "idx", "npy", "npz", "dsprites"), Datasets.schemes());
    }

    @Test
    void unknownSchemeListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("lmdb:/data/celeba", DatasetOptions.defaults()));
        assertTrue(e.getMessage().startsWith("unknown dataset scheme 'lmdb' in 'lmdb:/data/celeba'; known schemes:"
                + " folder:DIR[,labels] (every PNG/JPEG/BMP/GIF/TIFF file under DIR), celeba:DIR"), e.getMessage());
    }

    @Test
    void shapesBelongsToTheCli() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("shapes", DatasetOptions.defaults()));
        assertTrue(e.getMessage().startsWith("the built-in 'shapes' dataset is provided by the vaeforge CLI"),
                e.getMessage());
    }

    @Test
    void specsWithoutSchemeOrArgumentAreExplained() {
        IllegalArgumentException noScheme = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("/data/images", DatasetOptions.defaults()));
        assertTrue(noScheme.getMessage().contains("has no scheme") && noScheme.getMessage().endsWith(
                "e.g. folder:/data/images"), noScheme.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("folder:", DatasetOptions.defaults()));
        assertTrue(empty.getMessage().contains("is missing its argument"), empty.getMessage());
    }

    @Test
    void folderLabelsCanBeAskedForInTheSpec() throws IOException {
        SampleImages.writeTo(dir.resolve("cats/a.png"), SampleFormat.PNG_GRAY, 16, 16, 0);
        SampleImages.writeTo(dir.resolve("dogs/b.png"), SampleFormat.PNG_GRAY, 16, 16, 1);
        ImageDataset ds = Datasets.open("folder:" + dir + ",labels", DatasetOptions.defaults());
        assertEquals(java.util.List.of("cats", "dogs"), ds.labelNames());
        assertEquals(1, ds.label(1));
        assertEquals(-1, Datasets.open("folder:" + dir, DatasetOptions.defaults()).label(1));
    }

    @Test
    void openSplitGivesTheSeededPartsOfADatasetWithoutItsOwn() throws IOException {
        for (int i = 0; i < 10; i++) {
            SampleImages.writeTo(dir.resolve("i" + i + ".png"), SampleFormat.PNG_GRAY, 16, 16, i);
        }
        DatasetOptions o = DatasetOptions.defaults().withSplitSizes(new SplitSizes(0.2, 0.3, 5));
        ImageDataset train = Datasets.openSplit("folder:" + dir, Split.TRAIN, o);
        ImageDataset valid = Datasets.openSplit("folder:" + dir, Split.VALID, o);
        ImageDataset test = Datasets.openSplit("folder:" + dir, Split.TEST, o);
        assertEquals(5, train.size());
        assertEquals(2, valid.size());
        assertEquals(3, test.size());
        assertTrue(test.description().endsWith("[test: 3 images]"), test.description());
    }

    @Test
    void schemeIsCaseInsensitive() throws IOException {
        SampleImages.writeTo(dir.resolve("x.png"), SampleFormat.PNG_GRAY, 16, 16, 0);
        assertEquals(1, Datasets.open("FOLDER:" + dir, DatasetOptions.defaults()).size());
    }
}
