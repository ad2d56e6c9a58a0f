package dev.vaeforge.trainer.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Keeps memory that libtorch frees inside the process (glibc {@code malloc}) instead of handing it
 * back to the kernel, so the next training step reuses it without page faults. See
 * docs/decisions/0010-native-allocator.md.
 *
 * <p>libtorch allocates every activation and gradient with {@code malloc} and frees it when the step's
 * arrays are closed. glibc serves blocks above its mmap threshold (at most 32 MiB) with a fresh
 * {@code mmap} and returns them with {@code munmap} on free, and trims its heaps when the free space on
 * top exceeds the trim threshold. A batch of 64 images of 32 channels at 64x64 is 32 MiB, so every step
 * faulted in about 600 MB of zeroed pages (150,000 minor faults a step) and the two OpenMP threads waited
 * on each other's faults. With mmap off and trimming effectively off, the steady state of a training
 * step allocates from memory it already owns. The price: the process keeps its peak native memory until
 * it exits (it would reach that peak in every step anyway).
 */
public final class NativeAllocator {
    /** Set to {@code false} to leave glibc's allocator at its defaults. */
    public static final String PROPERTY = "vaeforge.malloc.keep";
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_MAX = -4;
    /** glibc's HEAP_MAX_SIZE on 64-bit: a thread arena's heap is never freed while it is the pad. */
    private static final int HEAP_MAX_SIZE = 64 << 20;
    private static Boolean applied;

    private NativeAllocator() {
    }

    /**
     * Applies the settings once per process (later calls return the first result). Does nothing
     * off Linux, on a C library without {@code mallopt}, or when {@value #PROPERTY} is {@code false}.
     *
     * @return whether glibc accepted all three settings
     */
    public static synchronized boolean keepFreedMemory() {
        if (applied == null) {
            applied = !"false".equalsIgnoreCase(System.getProperty(PROPERTY)) && Platform.isLinux() && apply();
        }
        return applied;
    }

    /** The same settings as a {@code GLIBC_TUNABLES} value, for a child process (the bench's peer). */
    public static String glibcTunables() {
        return "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=" + Integer.MAX_VALUE + ":glibc.malloc.top_pad="
                + HEAP_MAX_SIZE;
    }

    private static boolean apply() {
        try {
            Function mallopt = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("mallopt");
            // mallopt returns 1 on success; musl's stub returns 0
            return mallopt.invokeInt(new Object[] {M_MMAP_MAX, 0}) == 1
                    && mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, Integer.MAX_VALUE}) == 1
                    && mallopt.invokeInt(new Object[] {M_TOP_PAD, HEAP_MAX_SIZE}) == 1;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
