package dev.vaeforge.serve;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.ImagePreprocessing;
import dev.vaeforge.runtime.image.ImageReadException;
import dev.vaeforge.runtime.image.PngWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The convenience endpoint's two ends: an image file (PNG, JPEG; BMP, GIF and TIFF decode too) becomes
 * the model's input by the runtime's documented conversion rules, with its condition from the query
 * ({@code label=NAME|INDEX} or {@code condition=NAME=1,...}); the reconstruction becomes a PNG.
 */
final class ImageReconstruction {
    /** Larger images are refused before they are decoded (a small file can claim a huge size). */
    static final long MAX_PIXELS = 1L << 24;

    private ImageReconstruction() {
    }

    /** The inputs of one reconstruct item. */
    static Map<String, Values> inputs(ServedModel model, byte[] body, boolean resize, String label, String condition) {
        ImageShape shape = model.imageShape();
        float[] x;
        try {
            FloatImage img = ImageDecoder.decode(body, "request body", MAX_PIXELS).image();
            x = new ImagePreprocessing(shape, resize).apply(img, "request body");
        } catch (ImageReadException e) {
            String hint = e.getMessage().contains("resize") ? " (add ?resize=true to centre-crop and resize)" : "";
            throw HttpError.badRequest(e.getMessage() + hint);
        }
        Map<String, Values> in = new LinkedHashMap<>();
        in.put(ServedModel.IMAGE, Values.ofFloats(x, 1, shape.channels(), shape.height(), shape.width()));
        ConditionSpec spec = model.runtime().condition().orElse(null);
        if (spec == null) {
            if (label != null || condition != null) {
                throw HttpError.badRequest("query label/condition: model " + model.name() + " takes no condition");
            }
            return in;
        }
        Condition c;
        try {
            if (label != null && condition != null) {
                throw HttpError.badRequest("query: give label or condition, not both");
            }
            if (label != null) {
                c = Condition.label(spec, label);
            } else if (condition != null) {
                c = Condition.attributes(spec, condition);
            } else {
                c = Condition.none(spec);
            }
        } catch (VaeforgeException e) {
            throw HttpError.badRequest("query " + e.getMessage());
        }
        in.put(ServedModel.CONDITION, Values.ofFloats(c.vector(), 1, spec.dim()));
        return in;
    }

    static byte[] png(Values reconstruction, ImageShape shape) {
        try {
            return PngWriter.encode(new FloatImage(shape.channels(), shape.height(), shape.width(), reconstruction.floats()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
