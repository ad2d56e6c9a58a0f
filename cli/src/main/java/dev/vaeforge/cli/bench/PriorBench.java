package dev.vaeforge.cli.bench;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.trainer.prior.PriorSpec;
import dev.vaeforge.trainer.train.BatchLoader;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSession;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each prior costs in training: warm DJL training steps of the bench's model, once per prior
 * ({@code --priors}), on one in-memory batch of shapes images. The priors are measured side by side:
 * {@code rounds} rounds, each timing every prior's steps in turn, so a change of load hits all of them;
 * the figure is each prior's median over the rounds, the ratio its cost per step against the first prior's.
 */
public final class PriorBench {
    /** One prior's figure. */
    public record Row(String prior, double imagesPerSecond, double costVsFirst, double[] rounds) {
    }

    private final BenchSettings settings;
    private final ai.djl.Device device;
    private final int rounds;

    public PriorBench(BenchSettings settings, ai.djl.Device device, int rounds) {
        this.settings = settings;
        this.device = device;
        this.rounds = rounds;
    }

    public List<Row> run(List<PriorSpec> priors) throws IOException {
        ImageDataset d = DatasetResolver.open("shapes:n=" + settings.batchSize() + ",size=" + settings.imageSize()
                + (settings.channels() == 3 ? ",rgb" : "") + ",seed=5", DatasetOptions.defaults());
        int[] idx = new int[settings.batchSize()];
        Arrays.setAll(idx, i -> i);
        BatchLoader.Batch batch = new BatchLoader.Batch(d.batch(idx, 0, idx.length), settings.batchSize());
        List<TrainingSession> sessions = new ArrayList<>();
        double[][] ips = new double[priors.size()][rounds];
        try {
            for (PriorSpec p : priors) {
                VaeConfig model = new VaeConfig(settings.model().architecture().withPrior(p));
                TrainConfig tc = TrainConfig.builder(model, "bench:shapes").optBatchSize(settings.batchSize()).optSeed(42)
                        .optThreads(settings.threads()).optDevice(settings.device()).build();
                TrainingSession s = new TrainingSession(tc, device);
                sessions.add(s);
                for (int i = 0; i < settings.warmup(); i++) {
                    s.step(batch, 1, i + 1, i + 1);
                }
            }
            int[] step = new int[priors.size()];
            Arrays.fill(step, settings.warmup());
            for (int r = 0; r < rounds; r++) {
                for (int j = 0; j < priors.size(); j++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < settings.steps(); i++) {
                        step[j]++;
                        sessions.get(j).step(batch, 1, step[j], step[j]);
                    }
                    ips[j][r] = (double) settings.batchSize() * settings.steps() / ((System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            sessions.forEach(TrainingSession::close);
        }
        List<Row> rows = new ArrayList<>();
        double first = median(ips[0]);
        for (int j = 0; j < priors.size(); j++) {
            double m = median(ips[j]);
            rows.add(new Row(priors.get(j).describe(), m, first / m, ips[j]));
        }
        return rows;
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    public static void print(PrintWriter o, List<Row> rows, int rounds, int steps) {
        o.printf(Locale.ROOT, "training by prior (median of %d interleaved rounds of %d steps)%n", rounds, steps);
        for (Row r : rows) {
            o.printf(Locale.ROOT, "  %-60s %8.1f img/s   %.2fx the first prior's step%n", r.prior(), r.imagesPerSecond(),
                    r.costVsFirst());
        }
    }

    public static List<Map<String, Object>> json(List<Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prior", r.prior());
            m.put("train_images_per_s", r.imagesPerSecond());
            m.put("step_cost_vs_first", r.costVsFirst());
            m.put("rounds_images_per_s", r.rounds());
            out.add(m);
        }
        return out;
    }
}
