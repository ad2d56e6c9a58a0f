package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.FolderDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.ImagePreprocessing;
import dev.vaeforge.runtime.image.ImageReadException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Pairs of image files from two folders, each pair at its own size: image {@code a} keeps the size
 * it has, and {@code b} must have the same, or is centre-cropped and resized to it when
 * {@code resize} is set. A pair with one gray and one colour image is compared in colour (the gray
 * one replicated), since turning the colour one gray would lose what differs.
 */
public final class FolderPairs implements PairComparison.ImagePairs {
    private final FolderDataset a;
    private final FolderDataset b;
    private final int[] ia;
    private final int[] ib;
    private final List<String> names;
    private final boolean resize;

    /** Pair i is file {@code ia[i]} of {@code a} against file {@code ib[i]} of {@code b}, called {@code names[i]}. */
    public FolderPairs(FolderDataset a, FolderDataset b, int[] ia, int[] ib, List<String> names, boolean resize) {
        if (ia.length != ib.length || ia.length != names.size()) {
            throw new IllegalArgumentException(ia.length + " and " + ib.length + " indices for " + names.size() + " names");
        }
        this.a = a;
        this.b = b;
        this.ia = ia.clone();
        this.ib = ib.clone();
        this.names = List.copyOf(names);
        this.resize = resize;
    }

    @Override
    public int size() {
        return names.size();
    }

    @Override
    public String name(int index) {
        return names.get(index);
    }

    @Override
    public PairComparison.Pair read(int index) {
        Path fa = a.file(ia[index]);
        Path fb = b.file(ib[index]);
        FloatImage x = decode(fa);
        FloatImage y = decode(fb);
        ImageShape shape = new ImageShape(Math.max(x.channels(), y.channels()), x.height(), x.width());
        if (!resize && (y.height() != x.height() || y.width() != x.width())) {
            throw VaeforgeException.badParameter("pair '" + names.get(index) + "': " + fa + " is " + x.height() + "x"
                    + x.width() + " but " + fb + " is " + y.height() + "x" + y.width() + " (height x width); the two images"
                    + " of a pair must have one size; set resize to centre-crop and resize the second to the first",
                    "resize");
        }
        try {
            return new PairComparison.Pair(shape, new ImagePreprocessing(shape, false).apply(x, fa.toString()),
                    new ImagePreprocessing(shape, resize).apply(y, fb.toString()));
        } catch (ImageReadException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static FloatImage decode(Path file) {
        try {
            return ImageDecoder.read(file).image();
        } catch (ImageReadException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, e.getMessage(), e);
        }
    }
}
