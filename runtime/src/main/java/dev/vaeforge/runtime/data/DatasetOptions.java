package dev.vaeforge.runtime.data;

/**
 * How to open a dataset from files. Every reader takes the same options and ignores those that do not
 * apply to it (documented per reader).
 *
 * @param shape        the shape images are converted to; null means "from the first file" (its size,
 *                     and 1 channel if it is gray, else 3)
 * @param resize       allow centre-crop + resize to {@code shape}; otherwise another size is an error
 * @param skipBad      skip files that cannot be used and list them, instead of failing
 * @param folderLabels label each image by its first sub-folder under the dataset root
 * @param verifyAll    decode every file when opening (slow, but no file can fail later); by default
 *                     only headers and end markers are checked
 */
public record DatasetOptions(ImageShape shape, boolean resize, boolean skipBad, boolean folderLabels,
        boolean verifyAll) {

    /** Shape from the first file, no resizing, bad files are an error, no labels, header checks only. */
    public static DatasetOptions defaults() {
        return new DatasetOptions(null, false, false, false, false);
    }

    public DatasetOptions withShape(ImageShape newShape) {
        return new DatasetOptions(newShape, resize, skipBad, folderLabels, verifyAll);
    }

    public DatasetOptions withResize(boolean newResize) {
        return new DatasetOptions(shape, newResize, skipBad, folderLabels, verifyAll);
    }

    public DatasetOptions withSkipBad(boolean newSkipBad) {
        return new DatasetOptions(shape, resize, newSkipBad, folderLabels, verifyAll);
    }

    public DatasetOptions withFolderLabels(boolean newFolderLabels) {
        return new DatasetOptions(shape, resize, skipBad, newFolderLabels, verifyAll);
    }

    public DatasetOptions withVerifyAll(boolean newVerifyAll) {
        return new DatasetOptions(shape, resize, skipBad, folderLabels, newVerifyAll);
    }
}
