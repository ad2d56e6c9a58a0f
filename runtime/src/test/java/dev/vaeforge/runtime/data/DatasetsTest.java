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
        assertEquals(Set.of("folder"), Datasets.schemes());
    }

    @Test
    void unknownSchemeListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("celeba:/data/celeba", DatasetOptions.defaults()));
        assertEquals("unknown dataset scheme 'celeba' in 'celeba:/data/celeba'; known schemes: folder:DIR (every"
                + " PNG/JPEG/BMP/GIF/TIFF file under DIR)", e.getMessage());
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
    void schemeIsCaseInsensitive() throws IOException {
        SampleImages.writeTo(dir.resolve("x.png"), SampleFormat.PNG_GRAY, 16, 16, 0);
        assertEquals(1, Datasets.open("FOLDER:" + dir, DatasetOptions.defaults()).size());
    }
}
