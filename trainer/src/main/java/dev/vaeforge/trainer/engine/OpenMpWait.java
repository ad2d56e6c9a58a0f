package dev.vaeforge.trainer.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Makes libtorch's OpenMP threads sleep instead of spin while they wait for work, by setting
 * {@code OMP_WAIT_POLICY=PASSIVE} in the process environment before libtorch (and the libgomp it
 * bundles, which reads the variable once when it loads) is loaded. A value the user exported wins.
 *
 * <p>Why: libgomp's default lets a thread that reaches the end of a parallel region spin for a while
 * before it sleeps. A training step runs hundreds of parallel regions; on 2 cores shared with the
 * JVM's own threads or another process, the spinning thread takes the core the other OpenMP thread
 * needs to finish the region, and every region ends late. Measured on the 2-core VM under load
 * (docs/BENCHMARKS.md): 30-46 images/s spinning vs 70-135 passive, and half the CPU time per step. The
 * same finding as ONNX Runtime's spinning ({@code Sessions.ALLOW_SPINNING}).
 */
public final class OpenMpWait {
    public static final String VARIABLE = "OMP_WAIT_POLICY";
    /** Set to {@code false} to leave libgomp's default (or the environment's value). */
    public static final String PROPERTY = "vaeforge.omp.passive";
    private static Boolean applied;

    private OpenMpWait() {
    }

    /**
     * Sets {@code OMP_WAIT_POLICY=PASSIVE} unless the environment already has a value or
     * {@value #PROPERTY} is {@code false}. Has an effect only before the engine is loaded.
     *
     * @return whether this call (or an earlier one) set the variable
     */
    public static synchronized boolean passiveUnlessSet() {
        if (applied == null) {
            applied = !"false".equalsIgnoreCase(System.getProperty(PROPERTY)) && System.getenv(VARIABLE) == null
                    && (Platform.isLinux() || Platform.isMac()) && setenv();
        }
        return applied;
    }

    private static boolean setenv() {
        try {
            Function f = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("setenv");
            // overwrite = 0: never replace a value that appeared since the JVM started
            return f.invokeInt(new Object[] {VARIABLE, "PASSIVE", 0}) == 0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
