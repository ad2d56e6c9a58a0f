package dev.vaeforge.trainer.family;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.model.Likelihood;

/**
 * The architecture and loss settings of one model family: a record in the family's package that
 * validates in its constructor and contains the shared {@link Architecture}. The JSON form is flat
 * (the architecture's fields next to the family's) and carries the family id in the "family" field;
 * {@link ModelConfigJson} reads it, nested or flat, through the {@link FamilyRegistry}.
 */
@JsonSerialize(using = ModelConfigJson.Writer.class)
@JsonDeserialize(using = ModelConfigJson.Reader.class)
public interface ModelConfig {

    /** The family id ("vae", ...): the key of {@link FamilyRegistry#get}. */
    String family();

    Architecture architecture();

    default ImageShape imageShape() {
        return architecture().imageShape();
    }

    default Likelihood likelihood() {
        return architecture().likelihood();
    }

    // the architecture's fields, so that callers need not spell out architecture() (records need not repeat them)

    default int channels() {
        return architecture().channels();
    }

    default int imageSize() {
        return architecture().imageSize();
    }

    default int latentDim() {
        return architecture().latentDim();
    }

    default java.util.List<Integer> widths() {
        return architecture().widths();
    }

    default double gaussianSigma() {
        return architecture().gaussianSigma();
    }

    /** Spatial size after the last encoder stage. */
    default int bottleneckSize() {
        return architecture().bottleneckSize();
    }
}
