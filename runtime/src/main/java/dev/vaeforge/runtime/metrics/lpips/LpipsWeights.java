package dev.vaeforge.runtime.metrics.lpips;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The parameters of an LPIPS-AlexNet (v0.1) network: the five AlexNet feature convolutions (weight
 * {@code [out, in, k, k]} and bias {@code [out]}, row-major) and the five non-negative linear
 * weights that turn each layer's squared feature difference into one number per pixel.
 *
 * <p>vaeforge cannot ship the pretrained values (see the runtime README, section LPIPS); this type
 * exists so tests can build the architecture with {@link #random(long)} and users can plug in
 * weights they obtained themselves, e.g. as raw float32 files with {@link #readRaw(Path)}. Arrays
 * are kept as given, not copied: treat them as read-only.
 */
public final class LpipsWeights {
    /** One AlexNet feature convolution: square kernel, stride and padding as in torchvision. */
    public record ConvSpec(int in, int out, int kernel, int stride, int pad) {
        public int weightCount() {
            return out * in * kernel * kernel;
        }
    }

    /** torchvision's {@code alexnet().features} convolutions, in order; LPIPS taps each one's ReLU. */
    public static final List<ConvSpec> CONVS = List.of(
            new ConvSpec(3, 64, 11, 4, 2),
            new ConvSpec(64, 192, 5, 1, 2),
            new ConvSpec(192, 384, 3, 1, 1),
            new ConvSpec(384, 256, 3, 1, 1),
            new ConvSpec(256, 256, 3, 1, 1));

    private final float[][] convWeights;
    private final float[][] convBiases;
    private final float[][] linWeights;

    /**
     * @param convWeights five arrays, {@code CONVS.get(i).weightCount()} values each
     * @param convBiases five arrays of {@code CONVS.get(i).out()} values
     * @param linWeights five arrays of {@code CONVS.get(i).out()} values, all >= 0 (LPIPS clamps
     *     them so that a larger feature difference never lowers the distance)
     */
    public LpipsWeights(float[][] convWeights, float[][] convBiases, float[][] linWeights) {
        check("convWeights", convWeights, i -> CONVS.get(i).weightCount());
        check("convBiases", convBiases, i -> CONVS.get(i).out());
        check("linWeights", linWeights, i -> CONVS.get(i).out());
        for (int i = 0; i < linWeights.length; i++) {
            for (int c = 0; c < linWeights[i].length; c++) {
                if (!(linWeights[i][c] >= 0) || Float.isInfinite(linWeights[i][c])) {
                    throw new IllegalArgumentException("linWeights[" + i + "][" + c + "] = " + linWeights[i][c]
                            + ", expected a finite value >= 0");
                }
            }
        }
        this.convWeights = convWeights;
        this.convBiases = convBiases;
        this.linWeights = linWeights;
    }

    /**
     * Fixed pseudo-random weights for tests: He-normal convolutions, small normal biases, and linear
     * weights |N(0,1)| / channels. Same seed, same weights, on every machine.
     */
    public static LpipsWeights random(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] w = new float[CONVS.size()][];
        float[][] b = new float[CONVS.size()][];
        float[][] lin = new float[CONVS.size()][];
        for (int i = 0; i < CONVS.size(); i++) {
            ConvSpec c = CONVS.get(i);
            double std = Math.sqrt(2.0 / (c.in() * c.kernel() * c.kernel()));
            w[i] = normal(rnd, c.weightCount(), std);
            b[i] = normal(rnd, c.out(), 0.1);
            lin[i] = normal(rnd, c.out(), 1.0 / c.out());
            for (int k = 0; k < lin[i].length; k++) {
                lin[i][k] = Math.abs(lin[i][k]);
            }
        }
        return new LpipsWeights(w, b, lin);
    }

    /**
     * Reads the parameters from a folder of raw little-endian float32 files: {@code convK.weight.f32}
     * ({@code [out,in,k,k]} row-major), {@code convK.bias.f32} and {@code linK.weight.f32}, K = 0..4.
     * A {@code manifest.json} listing {@code name}, {@code shape} and {@code file} per tensor is
     * checked against the architecture where present; the files are used without it too.
     */
    public static LpipsWeights readRaw(Path dir) {
        java.util.Map<String, String> files = new java.util.HashMap<>();
        Path manifest = dir.resolve("manifest.json");
        if (Files.isRegularFile(manifest)) {
            JsonNode root;
            try {
                root = Json.mapper().readTree(manifest.toFile());
            } catch (IOException e) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, manifest + ": not readable JSON ("
                        + e.getMessage() + ")", e);
            }
            for (JsonNode t : root) {
                String name = t.path("name").asText();
                long[] shape = new long[t.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.path("shape").get(i).asLong();
                }
                long count = java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
                if (count != expectedCount(name)) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, manifest + ": tensor '" + name
                            + "' has shape " + java.util.Arrays.toString(shape) + ", expected " + expectedCount(name)
                            + " values for LPIPS-AlexNet");
                }
                files.put(name, t.path("file").asText(name + ".f32"));
            }
        }
        int layers = CONVS.size();
        float[][] w = new float[layers][];
        float[][] b = new float[layers][];
        float[][] lin = new float[layers][];
        for (int i = 0; i < layers; i++) {
            w[i] = readFloats(dir, files.getOrDefault("conv" + i + ".weight", "conv" + i + ".weight.f32"), CONVS.get(i).weightCount());
            b[i] = readFloats(dir, files.getOrDefault("conv" + i + ".bias", "conv" + i + ".bias.f32"), CONVS.get(i).out());
            lin[i] = readFloats(dir, files.getOrDefault("lin" + i + ".weight", "lin" + i + ".weight.f32"), CONVS.get(i).out());
        }
        try {
            return new LpipsWeights(w, b, lin);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, dir + ": " + e.getMessage(), e);
        }
    }

    /** Values of a tensor named {@code convK.weight}, {@code convK.bias} or {@code linK.weight}; -1 for other names. */
    private static long expectedCount(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(conv|lin)([0-4])\\.(weight|bias)").matcher(name);
        if (!m.matches() || (m.group(1).equals("lin") && m.group(3).equals("bias"))) {
            return -1;
        }
        ConvSpec c = CONVS.get(Integer.parseInt(m.group(2)));
        return m.group(1).equals("conv") && m.group(3).equals("weight") ? c.weightCount() : c.out();
    }

    private static float[] readFloats(Path dir, String name, int count) {
        Path f = dir.resolve(name);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, f + ": cannot read (" + e.getMessage()
                    + "); expected " + count + " raw little-endian float32 values", e);
        }
        if (bytes.length != 4L * count) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, f + ": " + bytes.length + " bytes, expected "
                    + count + " float32 values (" + 4L * count + " bytes)");
        }
        float[] out = new float[count];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    public float[] convWeight(int layer) {
        return convWeights[layer];
    }

    public float[] convBias(int layer) {
        return convBiases[layer];
    }

    public float[] linWeight(int layer) {
        return linWeights[layer];
    }

    private static float[] normal(SplittableRandom rnd, int count, double std) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            // Box-Muller: SplittableRandom has no nextGaussian on Java 17
            double u = 1.0 - rnd.nextDouble();
            double v = rnd.nextDouble();
            out[i] = (float) (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return out;
    }

    private static void check(String what, float[][] arrays, IntUnaryOperator expectedLength) {
        if (arrays == null || arrays.length != CONVS.size()) {
            throw new IllegalArgumentException(what + " has " + (arrays == null ? "no" : arrays.length)
                    + " arrays, expected " + CONVS.size() + " (one per AlexNet layer)");
        }
        for (int i = 0; i < arrays.length; i++) {
            int expected = expectedLength.applyAsInt(i);
            if (arrays[i] == null || arrays[i].length != expected) {
                throw new IllegalArgumentException(what + "[" + i + "] has "
                        + (arrays[i] == null ? "no" : arrays[i].length) + " values, expected " + expected);
            }
        }
    }
}
