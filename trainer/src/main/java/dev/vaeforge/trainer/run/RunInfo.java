package dev.vaeforge.trainer.run;

import dev.vaeforge.trainer.engine.Provenance;
import dev.vaeforge.trainer.train.TrainConfig;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of {@code RUN/config.json}: the full training config, the data it ran on and the
 * environment (library versions, Java, OS, arch, threads).
 *
 * @param format always {@link RunLayout#FORMAT}
 * @param createdAt ISO-8601 UTC time the run started
 */
public record RunInfo(String format, int formatVersion, TrainConfig config, DatasetInfo dataset,
                      Map<String, String> environment, String createdAt) {

    public RunInfo {
        // keep the insertion order so config.json lists versions in a stable, readable order
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** A new run's info, with the current environment. Loads the engine. */
    public static RunInfo create(TrainConfig config, DatasetInfo dataset) {
        return new RunInfo(RunLayout.FORMAT, RunLayout.FORMAT_VERSION, config, dataset, Provenance.environment(),
                Instant.now().toString());
    }
}
