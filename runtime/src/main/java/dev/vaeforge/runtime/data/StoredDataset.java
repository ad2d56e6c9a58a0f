package dev.vaeforge.runtime.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dataset the array readers ({@code idx:}, {@code npy:}) and {@code celeba:} return: pixels from an
 * {@link ImageStore}, and per-slot labels, attributes and split membership held compactly on the heap
 * (a few bytes per image; the pixels stay memory-mapped). Slots listed as skipped are left out; the
 * dataset's indices run over the kept slots in order.
 */
final class StoredDataset implements ImageDataset {
    private final String description;
    private final ImageStore store;
    private final ImageShape shape;
    private final int[] slots;
    private final int[] labels;
    private final List<String> labelNames;
    private final List<String> attributeNames;
    private final long[] attributeBits;
    private final Map<Split, int[]> ownSplit;
    private final List<BadFile> skipped;
    private final String fingerprint;

    /**
     * @param store          the pixels
     * @param shape          what reads are converted to (the caller has checked the conversion is allowed)
     * @param skippedSlots   slots left out, ascending (may be empty)
     * @param labels         a label per slot, or null
     * @param attributeBits  per slot {@code words = ceil(attributes / 64)} longs, bit {@code a} set when the
     *                       image has attribute {@code a}; null when there are no attributes
     * @param partition      per slot 0 (train), 1 (valid) or 2 (test); null when the dataset has no split of its own
     */
    StoredDataset(String description, ImageStore store, ImageShape shape, int[] skippedSlots, int[] labels,
            List<String> labelNames, List<String> attributeNames, long[] attributeBits, byte[] partition,
            List<BadFile> skipped, String fingerprint) {
        this.store = store;
        this.shape = shape;
        int n = store.count();
        boolean[] out = new boolean[n];
        for (int s : skippedSlots) {
            out[s] = true;
        }
        int kept = n - (int) Arrays.stream(skippedSlots).distinct().count();
        this.slots = new int[kept];
        for (int s = 0, k = 0; s < n; s++) {
            if (!out[s]) {
                slots[k++] = s;
            }
        }
        this.labels = labels;
        this.labelNames = List.copyOf(labelNames);
        this.attributeNames = List.copyOf(attributeNames);
        this.attributeBits = attributeBits;
        this.skipped = List.copyOf(skipped);
        this.fingerprint = fingerprint;
        if (partition == null) {
            this.ownSplit = Map.of();
        } else {
            Map<Split, int[]> own = new EnumMap<>(Split.class);
            int[] counts = new int[3];
            for (int slot : slots) {
                counts[partition[slot]]++;
            }
            for (Split sp : Split.values()) {
                own.put(sp, new int[counts[sp.ordinal()]]);
            }
            int[] fill = new int[3];
            for (int i = 0; i < slots.length; i++) {
                int p = partition[slots[i]];
                own.get(Split.values()[p])[fill[p]++] = i;
            }
            this.ownSplit = own;
        }
        this.description = description + " (" + size() + " images, " + shape
                + (labels != null ? ", " + labelNames.size() + " classes" : "")
                + (attributeNames.isEmpty() ? "" : ", " + attributeNames.size() + " attributes")
                + (ownSplit.isEmpty() ? "" : ", own split " + ownSplit.get(Split.TRAIN).length + "/"
                        + ownSplit.get(Split.VALID).length + "/" + ownSplit.get(Split.TEST).length)
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " bad items skipped") + ")";
    }

    /** Per-slot split membership from two consecutive parts: the first {@code train} slots train, the rest test. */
    static byte[] trainThenTest(int train, int test) {
        byte[] p = new byte[train + test];
        Arrays.fill(p, train, train + test, (byte) Split.TEST.ordinal());
        return p;
    }

    @Override
    public ImageShape shape() {
        return shape;
    }

    @Override
    public int size() {
        return slots.length;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        if (index < 0 || index >= slots.length) {
            throw new IndexOutOfBoundsException(description + ": image " + index + " of " + slots.length);
        }
        store.read(slots[index], shape, dst, offset);
    }

    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[slots[index]];
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public List<String> attributeNames() {
        return attributeNames;
    }

    @Override
    public float[] attributes(int index) {
        int a = attributeNames.size();
        float[] out = new float[a];
        if (a == 0) {
            return out;
        }
        int words = (a + 63) / 64;
        int base = slots[index] * words;
        for (int k = 0; k < a; k++) {
            out[k] = (attributeBits[base + k / 64] >>> (k % 64) & 1L) != 0 ? 1f : 0f;
        }
        return out;
    }

    @Override
    public Optional<int[]> ownSplit(Split split) {
        int[] part = ownSplit.get(split);
        return part == null ? Optional.empty() : Optional.of(part.clone());
    }

    @Override
    public List<BadFile> skipped() {
        return skipped;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    /** Slots of the kept images, for tests. */
    List<Integer> keptSlots() {
        List<Integer> out = new ArrayList<>(slots.length);
        for (int s : slots) {
            out.add(s);
        }
        return out;
    }
}
