package dev.vaeforge.spark;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.GoldenVerifier;
import dev.vaeforge.runtime.eval.EvalListener;
import dev.vaeforge.runtime.eval.EvalSettings;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.metrics.lpips.LpipsDistance;
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
    record Loaded(VaeRuntime runtime, Evaluator evaluator, ImageQualityMetrics quality, String golden, Lpips lpips) {
    }

    private static final Map<String, Object> OPEN = new LinkedHashMap<>();
    private static boolean hookAdded;
    /** How many times this JVM opened a bundle: tests check it stays at one per bundle. */
    private static int opens;

    private ExecutorModels() {
    }

    static Loaded get(BundleLocation bundle, JobSettings settings) {
        String key = bundle + "|" + settings.kind() + "|" + settings.metrics() + "|" + settings.seed() + "|"
                + settings.nllSamples() + "|" + settings.lpipsModel();
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
            Lpips lpips = null;
            if (settings.kind() == JobKind.EVALUATE) {
                lpips = openLpips(settings, bundle.shipped(), false);
                try {
                    ev = new Evaluator(rt, evalSettings(settings), lpips, Device.CPU, EvalListener.NONE);
                    quality = ev.openQualityMetrics();
                } catch (RuntimeException e) {
                    if (lpips != null) {
                        lpips.close();
                    }
                    throw e;
                }
            }
            return new Loaded(rt, ev, quality, golden, lpips);
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    /**
     * The job's LPIPS graph on this JVM (shipped with the job, or at the driver's path with a shared bundle),
     * or null without one or when LPIPS is not among the metrics.
     *
     * @param shipped  whether the job ships the graph (else every JVM reads it at the driver's path)
     * @param onDriver open the driver's own file even where the executors receive a shipped copy
     */
    static Lpips openLpips(JobSettings settings, boolean shipped, boolean onDriver) {
        if (settings.lpipsModel() == null || !settings.metrics().contains(dev.vaeforge.runtime.eval.MetricName.LPIPS)) {
            return null;
        }
        java.nio.file.Path file = new BundleLocation(settings.lpipsModel(), shipped && !onDriver).local();
        return LpipsDistance.open(file, Device.CPU, shipped ? "shipped with the Spark job" : "--lpips-model (shared path)");
    }

    /** The evaluator's settings: no generation and no surgery here (decision 0017), LPIPS only with a graph. */
    static EvalSettings evalSettings(JobSettings s) {
        java.util.EnumSet<dev.vaeforge.runtime.eval.MetricName> m = java.util.EnumSet.noneOf(
                dev.vaeforge.runtime.eval.MetricName.class);
        m.addAll(s.metrics());
        if (s.lpipsModel() == null) {
            m.remove(dev.vaeforge.runtime.eval.MetricName.LPIPS);
        }
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
                    if (l.lpips() != null) {
                        l.lpips().close();
                    }
                    l.runtime().close();
                }
            }
            OPEN.clear();
        }
    }
}
