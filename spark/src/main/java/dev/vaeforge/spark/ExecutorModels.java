package dev.vaeforge.spark;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.GoldenVerifier;
import dev.vaeforge.runtime.eval.EvalListener;
import dev.vaeforge.runtime.eval.EvalSettings;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.session.Device;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ONNX Runtime session set per executor JVM and bundle: opened (and verified: hashes, signatures, and
 * the golden tensors where the bundle has them) by the first task that needs it, reused by every later
 * task and partition of that JVM, closed when the JVM shuts down. A bundle that fails its checks fails
 * every task the same way, without being opened again.
 */
final class ExecutorModels {
    /** What the tasks of one JVM share. Thread-safe: ONNX Runtime sessions accept concurrent runs. */
    record Loaded(VaeRuntime runtime, Evaluator evaluator, ImageQualityMetrics quality, String golden) {
    }

    private static final Map<String, Object> OPEN = new LinkedHashMap<>();
    private static boolean hookAdded;
    /** How many times this JVM opened a bundle: tests check it stays at one per bundle. */
    private static int opens;

    private ExecutorModels() {
    }

    static Loaded get(BundleLocation bundle, JobSettings settings) {
        String key = bundle + "|" + settings.kind() + "|" + settings.metrics() + "|" + settings.seed() + "|"
                + settings.nllSamples();
        synchronized (OPEN) {
            Object o = OPEN.get(key);
            if (o == null) {
                try {
                    o = open(bundle, settings);
                } catch (RuntimeException e) {
                    o = e;
                }
                OPEN.put(key, o);
                if (!hookAdded) {
                    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "vaeforge-spark-close"));
                    hookAdded = true;
                }
            }
            if (o instanceof RuntimeException e) {
                throw e;
            }
            return (Loaded) o;
        }
    }

    static int opens() {
        synchronized (OPEN) {
            return opens;
        }
    }

    private static Loaded open(BundleLocation bundle, JobSettings settings) {
        if (System.getProperty("vaeforge.threads") == null) {
            // the executor's tasks share these sessions: each run gets its share of the cores
            System.setProperty("vaeforge.threads", Integer.toString(settings.threads()));
        }
        opens++;
        VaeRuntime rt = VaeRuntime.open(bundle.local(), Device.CPU, settings.batchSize());
        try {
            String golden = null;
            if (settings.verifyGolden() && rt.manifest().golden() != null) {
                GoldenVerifier.Report report = GoldenVerifier.verify(rt.bundle(), Device.CPU, null);
                if (!report.passed()) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, bundle.path()
                            + ": the golden tensors do not reproduce on this executor: " + report.graphs());
                }
                golden = "passed";
            }
            Evaluator ev = null;
            ImageQualityMetrics quality = null;
            if (settings.kind() == JobKind.EVALUATE) {
                ev = new Evaluator(rt, evalSettings(settings), null, Device.CPU, EvalListener.NONE);
                quality = ev.openQualityMetrics();
            }
            return new Loaded(rt, ev, quality, golden);
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    /** The evaluator's settings: no generation and no surgery here (decision 0017), LPIPS never. */
    static EvalSettings evalSettings(JobSettings s) {
        java.util.EnumSet<dev.vaeforge.runtime.eval.MetricName> m = java.util.EnumSet.noneOf(
                dev.vaeforge.runtime.eval.MetricName.class);
        m.addAll(s.metrics());
        m.remove(dev.vaeforge.runtime.eval.MetricName.LPIPS);
        return new EvalSettings(null, s.batchSize(), m, 0, s.seed(), s.nllSamples(), 0);
    }

    private static void closeAll() {
        synchronized (OPEN) {
            for (Object o : OPEN.values()) {
                if (o instanceof Loaded l) {
                    try {
                        if (l.quality() != null) {
                            l.quality().close();
                        }
                    } catch (ai.onnxruntime.OrtException e) {
                        // the JVM is exiting; ONNX Runtime's memory goes with it
                    }
                    l.runtime().close();
                }
            }
            OPEN.clear();
        }
    }
}
