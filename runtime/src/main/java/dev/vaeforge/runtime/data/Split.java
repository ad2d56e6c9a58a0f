package dev.vaeforge.runtime.data;

import java.util.Locale;

/**
 * The parts of a dataset: what a model is trained on, what is used to choose between models, and what
 * results are reported on. A dataset with a split of its own (CelebA's partition file, IDX train/t10k
 * files) defines them; any other dataset is split with a seeded shuffle ({@link SplitSizes}).
 */
public enum Split {
    TRAIN("train"),
    VALID("valid"),
    TEST("test");

    private final String id;

    Split(String id) {
        this.id = id;
    }

    /** "train", "valid" or "test", as on the command line. */
    public String id() {
        return id;
    }

    /** Parses "train", "valid" (or "validation", "val") and "test", ignoring case. */
    public static Split parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "train", "training" -> TRAIN;
            case "valid", "validation", "val" -> VALID;
            case "test" -> TEST;
            default -> throw new IllegalArgumentException("unknown split '" + text + "'; expected train, valid or test");
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
