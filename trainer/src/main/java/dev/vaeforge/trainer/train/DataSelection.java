package dev.vaeforge.trainer.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vaeforge.runtime.data.Split;

/**
 * Which images of the dataset spec a run trains and tests on, recorded in {@code RUN/config.json} so
 * that a resume selects the same images without being told again. The share of test images is
 * {@link TrainConfig#testFraction()}; everything else that decides the selection is here.
 *
 * @param limit only the first this many images of the train part and of the held-out part; null = all
 * @param heldOut the part tested on ("valid" or "test"); null = the dataset's default (valid where it
 *     has validation images, else test)
 * @param validFraction share of the validation part, for datasets without their own split
 * @param splitSeed seed of the split's shuffle, for datasets without their own split
 * @param resize images of another size were centre-cropped and resized to the model's
 * @param skipBad unreadable images were skipped instead of failing
 */
public record DataSelection(Integer limit, String heldOut, double validFraction, long splitSeed, boolean resize,
                            boolean skipBad) {

    /** Every image, the default parts, no resizing or skipping. */
    public static final DataSelection DEFAULT = new DataSelection(null, null, 0, 0, false, false);

    public DataSelection {
        if (limit != null && limit < 2) {
            throw new IllegalArgumentException("limit must be >= 2 images (null = all), got " + limit);
        }
        if (heldOut != null) {
            Split s = Split.parse(heldOut);
            if (s == Split.TRAIN) {
                throw new IllegalArgumentException("held-out part must be valid or test, got " + heldOut);
            }
            heldOut = s.id();
        }
        if (!(validFraction >= 0 && validFraction < 1)) {
            throw new IllegalArgumentException("valid fraction must be in [0, 1), got " + validFraction);
        }
    }

    /** The JSON form: absent fields take the defaults. */
    @JsonCreator
    static DataSelection fromJson(@JsonProperty("limit") Integer limit, @JsonProperty("heldOut") String heldOut,
                                  @JsonProperty("validFraction") Double validFraction,
                                  @JsonProperty("splitSeed") Long splitSeed, @JsonProperty("resize") Boolean resize,
                                  @JsonProperty("skipBad") Boolean skipBad) {
        return new DataSelection(limit, heldOut, validFraction == null ? 0 : validFraction,
                splitSeed == null ? 0 : splitSeed, resize != null && resize, skipBad != null && skipBad);
    }

    /** The parsed held-out part, or null for the dataset's default. */
    public Split heldOutSplit() {
        return heldOut == null ? null : Split.parse(heldOut);
    }
}
