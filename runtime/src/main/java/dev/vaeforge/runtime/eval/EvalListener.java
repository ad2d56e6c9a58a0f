package dev.vaeforge.runtime.eval;

/** Progress of an evaluation, for progress bars. */
public interface EvalListener {
    /** {@code done} of {@code total} images of {@code phase} ("reconstruction" or "generation") after {@code seconds}. */
    void onProgress(String phase, int done, int total, double seconds);

    EvalListener NONE = (phase, done, total, seconds) -> { };
}
