package dev.vaeforge.runtime.data;

/**
 * Progress of slow dataset work (building a cache), so a command can show it. Called from worker
 * threads, at most a few times per second per task.
 */
@FunctionalInterface
public interface DataProgress {
    DataProgress NONE = (task, done, total) -> { };

    /**
     * @param task  what is being done, e.g. "celeba:/data/celeba: building the cache"
     * @param done  items finished so far
     * @param total items in all
     */
    void update(String task, long done, long total);
}
