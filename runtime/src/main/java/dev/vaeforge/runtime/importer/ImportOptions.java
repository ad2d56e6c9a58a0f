package dev.vaeforge.runtime.importer;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Manifest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Importer} is told about foreign graphs; everything else it reads from the graphs. Null means
 * "infer it" (and refuse, listing what was found, where that is ambiguous).
 *
 * @param encoder        the encoder graph (image -> posterior, or -> z_e for codes)
 * @param decoder        the decoder graph (latent -> image)
 * @param quantizer      a code-grid model's quantizer (z_e -> indices, z_q, codebook), or null for a Gaussian latent
 * @param bind           tensor names by binding key ({@link #BIND_KEYS}): which tensor plays which role
 * @param momentsConcat  the encoder's one output is mean and log-variance concatenated along axis 1
 * @param decoderOutput  probabilities, logits, tanh (pixels in [-1, 1]) or pixels (in the pixel range, clipped)
 * @param pixelRange     the range of the graphs' image tensors, [lo, hi]
 * @param likelihood     the decoder's likelihood (bernoulli, or gaussian with sigma)
 * @param latentScale    the latent is stored scaled: the runtime's latent is scale times the graphs'
 * @param goldenSeed     seed of the probe and golden inputs
 */
public record ImportOptions(Path encoder, Path decoder, Path quantizer, Map<String, String> bind, boolean momentsConcat,
                            String decoderOutput, double[] pixelRange, Manifest.Likelihood likelihood, Double latentScale,
                            long goldenSeed) {
    /** The keys {@code --bind} takes, and the tensor role each stands for. */
    public static final Map<String, String> BIND_KEYS = bindKeys();
    public static final List<String> DECODER_OUTPUTS = List.of("probabilities", "logits", "tanh", "pixels");

    public ImportOptions {
        bind = bind == null ? Map.of() : Map.copyOf(bind);
        for (String k : bind.keySet()) {
            if (!BIND_KEYS.containsKey(k)) {
                throw VaeforgeException.badParameter("bind: unknown key '" + k + "', expected one of " + BIND_KEYS.keySet(),
                        "bind");
            }
        }
        if (decoderOutput != null && !DECODER_OUTPUTS.contains(decoderOutput)) {
            throw VaeforgeException.badParameter("decoder output '" + decoderOutput + "' is not one of " + DECODER_OUTPUTS,
                    "decoder-output");
        }
        if (pixelRange != null && (pixelRange.length != 2 || !(pixelRange[0] < pixelRange[1])
                || !Double.isFinite(pixelRange[0]) || !Double.isFinite(pixelRange[1]))) {
            throw VaeforgeException.badParameter("pixel range must be LO:HI with LO < HI", "pixel-range");
        }
        if (latentScale != null && !(latentScale > 0 && Double.isFinite(latentScale))) {
            throw VaeforgeException.badParameter("latent scale must be a positive number, got " + latentScale, "latent-scale");
        }
        if (latentScale != null && quantizer != null) {
            throw VaeforgeException.badParameter("latent scale applies to a Gaussian latent; a model with a quantizer has"
                    + " codes", "latent-scale", "quantizer");
        }
        pixelRange = pixelRange == null ? null : pixelRange.clone();
    }

    /** Only the graphs, everything else inferred. */
    public static ImportOptions of(Path encoder, Path decoder, Path quantizer) {
        return new ImportOptions(encoder, decoder, quantizer, Map.of(), false, null, null, null, null, 17L);
    }

    /** "bernoulli" or "gaussian:SIGMA". */
    public static Manifest.Likelihood parseLikelihood(String text) {
        String s = text == null ? "" : text.strip();
        if (s.equals("bernoulli")) {
            return new Manifest.Likelihood("bernoulli", null);
        }
        if (s.startsWith("gaussian:")) {
            try {
                double sigma = Double.parseDouble(s.substring(9));
                if (sigma > 0 && Double.isFinite(sigma)) {
                    return new Manifest.Likelihood("gaussian", sigma);
                }
            } catch (NumberFormatException e) {
                // the message below
            }
        }
        throw VaeforgeException.badParameter("likelihood '" + text + "' is not bernoulli or gaussian:SIGMA (SIGMA > 0)",
                "likelihood");
    }

    /** "LO:HI", e.g. 0:1 or -1:1. */
    public static double[] parsePixelRange(String text) {
        String[] p = text == null ? new String[0] : text.strip().split(":");
        try {
            if (p.length == 2) {
                double[] r = {Double.parseDouble(p[0]), Double.parseDouble(p[1])};
                if (r[0] < r[1]) {
                    return r;
                }
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw VaeforgeException.badParameter("pixel range '" + text + "' is not LO:HI with LO < HI (0:1, -1:1)",
                "pixel-range");
    }

    /** "key=name,key=name". */
    public static Map<String, String> parseBind(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw VaeforgeException.badParameter("bind '" + part + "' is not KEY=TENSOR (keys " + BIND_KEYS.keySet() + ")",
                        "bind");
            }
            out.put(kv[0].strip(), kv[1].strip());
        }
        return out;
    }

    private static Map<String, String> bindKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("image", "image");
        m.put("mean", "latent-mean");
        m.put("logvar", "latent-logvar");
        m.put("moments", "latent-moments");
        m.put("unquantized", "latent-unquantized");
        m.put("latent", "latent");
        m.put("reconstruction", "reconstruction");
        m.put("indices", "code-indices");
        m.put("quantized", "latent-quantized");
        m.put("codebook", "codebook");
        return java.util.Collections.unmodifiableMap(m);
    }
}
