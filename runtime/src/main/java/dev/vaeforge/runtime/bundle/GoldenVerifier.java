package dev.vaeforge.runtime.bundle;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.SessionRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vaeforge verify}: reruns a bundle's golden inputs ({@link Golden}) on a device and compares each
 * graph's outputs with the stored ones: the largest |difference| over its float outputs against the
 * graph's tolerance, and the number of integer outputs (code indices) that differ, which must be 0. The
 * bundle was opened by {@link BundleReader}, so every golden file's hash has been checked already.
 */
public final class GoldenVerifier {
    private GoldenVerifier() {
    }

    /** One graph's result. {@code tolerance} is the one applied (the bundle's, or the caller's override). */
    public record GraphResult(String graph, double maxAbsError, String worstOutput, double tolerance, long intMismatches,
                              long intValues) {
        public boolean passed() {
            return maxAbsError <= tolerance && intMismatches == 0;
        }
    }

    /** All graphs' results, in the manifest's golden order, with what computed the golden outputs. */
    public record Report(Golden golden, Device device, List<GraphResult> graphs) {
        public boolean passed() {
            return graphs.stream().allMatch(GraphResult::passed);
        }
    }

    /**
     * @param tolerance null for each graph's recorded tolerance, or one tolerance for every graph
     */
    public static Report verify(Bundle bundle, Device device, Double tolerance) {
        Golden golden = bundle.manifest().golden();
        if (golden == null) {
            throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, bundle.directory().resolve(BundleFormat.MANIFEST)
                    + " has no 'golden' tensors (bundles written before golden tensors existed); export or import it"
                    + " again to verify it on this machine");
        }
        List<GraphResult> results = new ArrayList<>();
        try (BundleSessions sessions = new BundleSessions(bundle, device)) {
            for (Map.Entry<String, Golden.Graph> e : golden.graphs().entrySet()) {
                GraphRole role = GraphRole.fromKey(e.getKey()).orElseThrow();
                Golden.Graph g = e.getValue();
                Map<String, Tensor> in = new LinkedHashMap<>();
                for (Golden.Tensor t : g.inputs()) {
                    in.put(t.name(), load(bundle, t));
                }
                Map<String, Tensor> out;
                try {
                    out = SessionRun.run(sessions.session(role), in);
                } catch (OrtException ex) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, bundle.graphFile(role)
                            + ": ONNX Runtime failed on the golden inputs on " + device + ": " + ex.getMessage(), ex);
                }
                results.add(compare(bundle, role, g, out, tolerance == null ? g.tolerance() : tolerance));
            }
        }
        return new Report(golden, device, results);
    }

    private static GraphResult compare(Bundle bundle, GraphRole role, Golden.Graph g, Map<String, Tensor> out, double tol) {
        double max = 0;
        String worst = null;
        long mismatches = 0;
        long intValues = 0;
        for (Golden.Tensor t : g.outputs()) {
            Tensor want = load(bundle, t);
            Tensor got = out.get(t.name());
            if (got == null || !Arrays.equals(got.shape(), want.shape()) || (got.floats() == null) != (want.floats() == null)) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, bundle.graphFile(role) + ": output '"
                        + t.name() + "' on the golden inputs is " + describe(got) + ", the golden file " + t.file()
                        + " holds " + describe(want));
            }
            if (want.floats() != null) {
                float[] a = got.floats();
                float[] b = want.floats();
                for (int i = 0; i < a.length; i++) {
                    double d = Math.abs((double) a[i] - b[i]);
                    if (!(d <= max)) {
                        // NaN on either side counts as an infinite error
                        max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                        worst = t.name();
                    }
                }
            } else {
                long[] a = got.longs();
                long[] b = want.longs();
                intValues += a.length;
                for (int i = 0; i < a.length; i++) {
                    mismatches += a[i] != b[i] ? 1 : 0;
                }
            }
        }
        return new GraphResult(role.key(), max, worst, tol, mismatches, intValues);
    }

    private static String describe(Tensor t) {
        return t == null ? "missing" : (t.floats() != null ? "float32" : "int64") + Arrays.toString(t.shape());
    }

    private static Tensor load(Bundle bundle, Golden.Tensor t) {
        Path f = bundle.directory().resolve(t.file());
        try {
            return NpyArrays.read(Files.readAllBytes(f), f.toString());
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, f + ": cannot read (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, e.getMessage(), e);
        }
    }
}
