package dev.vaeforge.trainer.loss;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * State a model family carries from step to step besides its weights and the optimiser: a KL
 * schedule's position, a capacity target, a running estimate. Implement it on the family's
 * {@link Objective} (or its block); the training session finds it with {@code instanceof}, saves
 * {@link #snapshotState()} in every checkpoint under {@code state.family.<stateKey()>} in
 * checkpoint.json, and calls {@link #restoreState} before the first step of a resumed run or after a
 * NaN rollback. A schedule that is a pure function of the global step needs none of this: the step
 * is in every checkpoint already.
 *
 * <p>Keep the snapshot small and plain (numbers, strings, lists, maps: it is JSON). Change
 * {@code stateKey()} when the meaning of the snapshot changes, so an old checkpoint is refused with
 * a clear message instead of being misread.
 */
public interface ResumableState {
    /** A stable name for this state, e.g. "klSchedule"; unique within the family. */
    String stateKey();

    /** The state after the last completed step. */
    JsonNode snapshotState();

    /**
     * Replaces the state with one taken by {@link #snapshotState()}.
     *
     * @throws IllegalArgumentException if the snapshot cannot be used
     */
    void restoreState(JsonNode snapshot);
}
