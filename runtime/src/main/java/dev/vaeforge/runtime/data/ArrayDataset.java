package dev.vaeforge.runtime.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Images held in memory as one NCHW float array in [0,1]. */
public final class ArrayDataset implements ImageDataset {
    private final String name;
    private final ImageShape shape;
    private final float[] pixels;
    private final int[] labels;
    private final List<String> labelNames;
    private final String fingerprint;

    /**
     * @param pixels NCHW values in [0,1]; not copied, so the caller must not change it afterwards
     * @param labels one label per image, or null
     */
    public ArrayDataset(String name, ImageShape shape, float[] pixels, int[] labels, List<String> labelNames) {
        if (pixels.length % shape.size() != 0) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " values is not a whole number of "
                    + shape + " images");
        }
        int n = pixels.length / shape.size();
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + n + " images");
        }
        this.name = name;
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
        this.labelNames = labelNames == null ? List.of() : List.copyOf(labelNames);
        this.fingerprint = digest(pixels, labels);
    }

    @Override
    public ImageShape shape() {
        return shape;
    }

    @Override
    public int size() {
        return pixels.length / shape.size();
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(name + ": image " + index + " of " + size());
        }
        System.arraycopy(pixels, index * shape.size(), dst, offset, shape.size());
    }

    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[index];
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public String description() {
        return name + " (" + size() + " images, " + shape + ")";
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    private static String digest(float[] pixels, int[] labels) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float p : pixels) {
                if (buf.remaining() < 4) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(p);
            }
            if (labels != null) {
                for (int l : labels) {
                    if (buf.remaining() < 4) {
                        md.update(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putInt(l);
                }
            }
            md.update(buf.array(), 0, buf.position());
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
