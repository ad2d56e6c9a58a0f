package dev.vaeforge.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * manifest.json's {@code golden}: a small seeded set of inputs for every graph and the outputs the machine
 * that wrote the bundle computed for them, one NumPy {@code .npy} file per tensor, each hashed here. {@code
 * vaeforge verify} reruns them where the bundle is about to be used (another CPU, the CUDA provider, another
 * ONNX Runtime) and compares ({@link GoldenVerifier}); see docs/decisions/0014-imported-graphs-and-golden-tensors.md.
 *
 * @param seed        the seed of the inputs (images uniform in the pixel range; later graphs are fed the
 *                    earlier graphs' outputs, so every input is one the model really sees)
 * @param batch       items per tensor
 * @param device      where the outputs were computed ("cpu")
 * @param onnxRuntime the ONNX Runtime version that computed them
 * @param platform    os/arch of the machine that computed them
 * @param graphs      per graph role: its tolerance and tensors
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Golden(long seed, int batch, String device, String onnxRuntime, String platform, Map<String, Graph> graphs) {
    /** Every golden file's name starts with this. */
    public static final String FILE_PREFIX = "golden-";

    /**
     * One graph's golden tensors: every input and every output, by the graph's tensor names. {@code
     * tolerance} bounds max |verify - golden| over its float outputs; integer outputs (code indices) must
     * be equal.
     */
    public record Graph(double tolerance, List<Tensor> inputs, List<Tensor> outputs) {
    }

    /** One tensor: the graph's tensor {@code name}, its {@code .npy} file in the bundle and that file's sha256. */
    public record Tensor(String name, String file, String sha256) {
    }
}
