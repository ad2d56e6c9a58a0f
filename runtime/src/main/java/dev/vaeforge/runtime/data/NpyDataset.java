package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code npy:FILE[,labels=FILE][,layout=nhwc|nchw]}: a NumPy array of images, memory-mapped.
 *
 * <ul>
 *   <li>dtype {@code uint8} (0..255, divided by 255) or {@code float32} (little or big endian, values in
 *       [0, 1]); anything else is an error naming the dtype;</li>
 *   <li>shape {@code (N, H, W)} (gray), {@code (N, H, W, C)} or {@code (N, C, H, W)} with C = 1 or 3. The
 *       layout of a 4-D array is taken from where the 1 or 3 is; when both ends could be channels (e.g.
 *       3x3 images) {@code layout=} must say which;</li>
 *   <li>C order only (NumPy's default); Fortran-ordered arrays are an error;</li>
 *   <li>labels: a 1-D integer array (any of int8..int64, uint8..uint64) of N non-negative class labels;</li>
 *   <li>the file size must match the header exactly.</li>
 * </ul>
 * float32 arrays are scanned once when opened: an image with a value outside [0, 1] or NaN is a bad
 * item ({@code FILE[i]}), an error unless skip-bad is set. The resize option allows another size;
 * channels convert by the gray/RGB rules.
 */
final class NpyDataset {
    static final String USAGE = "npy:FILE[,labels=FILE][,layout=nhwc|nchw] (uint8 or float32 images)";
    private static final Set<String> KEYS = Set.of("labels", "layout");

    private NpyDataset() {
    }

    static ImageDataset open(String argument, DatasetOptions options) throws IOException {
        SpecArguments args = SpecArguments.parse("npy", argument, KEYS, USAGE);
        Path file = args.path();
        String name = file.toString();
        String layoutArg = args.value("layout", null);
        if (!Files.isRegularFile(file)) {
            throw Files.exists(file) ? new DataFileException(name, "is not a file; npy: takes a .npy file")
                    : new NoSuchFileException(name, null, "no such .npy file");
        }
        NpyHeader h;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            h = NpyHeader.read(ch, name);
        }
        if (h.fortranOrder()) {
            throw new DataFileException(name, "Fortran-ordered arrays are not supported; save the array with"
                    + " np.save(f, np.ascontiguousarray(a))");
        }
        MappedImages.DType dtype = imageDType(h.descr(), name);
        long[] s = h.shape();
        ImageShape stored;
        MappedImages.Layout layout;
        if (s.length == 3) {
            stored = shape(1, s[1], s[2], h, name);
            layout = MappedImages.Layout.NCHW;
        } else if (s.length == 4) {
            layout = layout(s, layoutArg, h, name);
            stored = layout == MappedImages.Layout.NHWC ? shape(s[3], s[1], s[2], h, name) : shape(s[1], s[2], s[3], h, name);
        } else {
            throw new DataFileException(name, "array of shape " + h.shapeText() + " is not a stack of images;"
                    + " expected (N, H, W), (N, H, W, C) or (N, C, H, W)" + (s.length == 2
                    ? " (flattened images: reshape them, e.g. a.reshape(-1, 28, 28))" : ""));
        }
        if (s[0] < 1 || s[0] > Integer.MAX_VALUE) {
            throw new DataFileException(name, "array of shape " + h.shapeText() + " holds " + s[0]
                    + " images; expected 1 to " + Integer.MAX_VALUE);
        }
        int n = (int) s[0];
        MappedBytes bytes = MappedBytes.map(file, h.dataOffset(), (long) n * stored.size() * dtype.bytes);
        MappedImages images = new MappedImages(bytes, n, stored, layout, dtype);
        ImageShape target = ArrayShapes.target(stored, options, "npy:" + name);

        List<BadFile> bad = new ArrayList<>();
        List<Integer> badSlots = new ArrayList<>();
        if (dtype != MappedImages.DType.U8) {
            scanRange(images, file.getFileName().toString(), bad, badSlots);
        }
        if (!bad.isEmpty() && !options.skipBad()) {
            String advice = bad.size() == n
                    ? "Every image is outside [0, 1]: if the values are 0..255, divide by 255 or save as uint8."
                    : "Fix the array, or set the skip-bad option to leave these images out.";
            throw new BadFilesException("npy:" + name, n, bad, advice, "image", "images");
        }
        if (bad.size() == n) {
            throw new BadFilesException("npy:" + name, n, bad, "No usable image is left.", "image", "images");
        }

        int[] labels = null;
        List<String> labelNames = List.of();
        Fingerprint fp = Fingerprint.of("vaeforge-npy-v1").file("images", file).add("header", h)
                .add("preprocessing", ArrayShapes.describe(stored, target, options.resize()));
        String labelsArg = args.value("labels", null);
        if (labelsArg != null) {
            Path labelFile = Path.of(labelsArg);
            labels = readLabels(labelFile, n, name);
            int max = -1;
            for (int l : labels) {
                max = Math.max(max, l);
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i <= max; i++) {
                names.add(String.valueOf(i));
            }
            labelNames = names;
            fp.file("labels", labelFile);
        }
        String desc = "npy:" + file + (labelsArg != null ? ",labels=" + labelsArg : "");
        return new StoredDataset(desc, ImageStore.of(images), target,
                badSlots.stream().mapToInt(Integer::intValue).toArray(), labels, labelNames, List.of(), null, null,
                bad, fp.hex().substring(0, 16));
    }

    private static MappedImages.DType imageDType(String descr, String name) throws DataFileException {
        return switch (descr) {
            case "|u1", "<u1", ">u1", "=u1", "u1" -> MappedImages.DType.U8;
            case "<f4" -> MappedImages.DType.F32_LE;
            case ">f4" -> MappedImages.DType.F32_BE;
            default -> throw unsupported(descr, name);
        };
    }

    private static DataFileException unsupported(String descr, String name) {
        return new DataFileException(name, "unsupported dtype " + dtypeName(descr) + " ('" + descr + "'); images must"
                + " be uint8 (0..255) or float32 (0..1): convert with a.astype(np.uint8) or a.astype(np.float32)");
    }

    /** NumPy's name for a descr, for messages: "<f8" is "float64". */
    static String dtypeName(String descr) {
        int item;
        try {
            item = Integer.parseInt(descr.replaceAll("^[<>|=]?[a-zA-Z]", ""));
        } catch (NumberFormatException e) {
            return descr;
        }
        String kind = descr.replaceAll("^[<>|=]", "");
        return switch (kind.isEmpty() ? ' ' : kind.charAt(0)) {
            case 'u' -> "uint" + item * 8;
            case 'i' -> "int" + item * 8;
            case 'f' -> "float" + item * 8;
            case 'c' -> "complex" + item * 8;
            case 'b' -> "bool";
            default -> descr;
        };
    }

    private static MappedImages.Layout layout(long[] s, String arg, NpyHeader h, String name)
            throws DataFileException {
        if (arg != null) {
            return switch (arg.toLowerCase(Locale.ROOT)) {
                case "nhwc" -> MappedImages.Layout.NHWC;
                case "nchw" -> MappedImages.Layout.NCHW;
                default -> throw new IllegalArgumentException("layout=" + arg + " in an npy: spec; expected nhwc or nchw");
            };
        }
        boolean last = s[3] == 1 || s[3] == 3;
        boolean second = s[1] == 1 || s[1] == 3;
        if (last && !second) {
            return MappedImages.Layout.NHWC;
        }
        if (second && !last) {
            return MappedImages.Layout.NCHW;
        }
        if (!last) {
            throw new DataFileException(name, "array of shape " + h.shapeText() + " has no channel dimension of 1"
                    + " or 3 (expected (N, H, W, C) or (N, C, H, W))");
        }
        throw new DataFileException(name, "array of shape " + h.shapeText() + " could be NHWC or NCHW; add"
                + " layout=nhwc or layout=nchw to the spec");
    }

    private static ImageShape shape(long c, long h, long w, NpyHeader header, String name) throws DataFileException {
        if (h < 1 || w < 1 || h > 1 << 15 || w > 1 << 15 || (c != 1 && c != 3)) {
            throw new DataFileException(name, "array of shape " + header.shapeText() + " does not hold images of 1"
                    + " or 3 channels and 1 to 32768 pixels a side");
        }
        return new ImageShape((int) c, (int) h, (int) w);
    }

    /** Every image with a value outside [0, 1] or NaN is a bad item. */
    private static void scanRange(MappedImages images, String fileName, List<BadFile> bad, List<Integer> slots) {
        float[] px = new float[images.shape().size()];
        for (int i = 0; i < images.count(); i++) {
            images.read(i, px, 0);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            boolean nan = false;
            for (float v : px) {
                if (v != v) {
                    nan = true;
                } else {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            if (nan || min < 0 || max > 1) {
                bad.add(new BadFile(fileName + "[" + i + "]", nan ? "image " + i + " holds NaN values"
                        : String.format(Locale.ROOT, "image %d has values outside [0, 1] (min %s, max %s); float32"
                        + " images must hold values in [0, 1]", i, min, max)));
                slots.add(i);
            }
        }
    }

    /** A 1-D integer .npy array of {@code n} non-negative labels. */
    static int[] readLabels(Path file, int n, String imagesName) throws IOException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(name, null, "no such labels file (for " + imagesName + ")");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = NpyHeader.read(ch, name);
            String d = h.descr();
            int item = h.itemSize();
            char kind = d.replaceAll("^[<>|=]", "").charAt(0);
            if ((kind != 'i' && kind != 'u') || !(item == 1 || item == 2 || item == 4 || item == 8) || h.fortranOrder()) {
                throw new DataFileException(name, "labels must be an integer array (int8..int64 or uint8..uint64),"
                        + " got dtype " + dtypeName(d) + " ('" + d + "')");
            }
            long[] s = h.shape();
            boolean column = s.length == 2 && s[1] == 1;
            if (s.length != 1 && !column) {
                throw new DataFileException(name, "labels must be a 1-D array of one label per image, got shape "
                        + h.shapeText());
            }
            if (s[0] != n) {
                throw new DataFileException(name, h.shapeText() + " labels for the " + n + " images of " + imagesName);
            }
            if ((long) n * item > Integer.MAX_VALUE - 8) {
                throw new DataFileException(name, n + " labels of " + item + " bytes are too many to read");
            }
            ByteBuffer buf = ByteBuffer.allocate(n * item).order(d.startsWith(">") ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN);
            while (buf.hasRemaining()) {
                if (ch.read(buf, h.dataOffset() + buf.position()) < 0) {
                    throw new DataFileException(name, "truncated labels");
                }
            }
            buf.flip();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                long v = switch (item) {
                    case 1 -> kind == 'u' ? buf.get() & 0xff : buf.get();
                    case 2 -> kind == 'u' ? buf.getShort() & 0xffff : buf.getShort();
                    case 4 -> kind == 'u' ? buf.getInt() & 0xffffffffL : buf.getInt();
                    default -> buf.getLong();
                };
                if (v < 0 || v > 1_000_000) {
                    throw new DataFileException(name, "label " + v + " of image " + i + " is not a class index"
                            + " (expected 0 to 1000000)");
                }
                out[i] = (int) v;
            }
            return out;
        }
    }
}
