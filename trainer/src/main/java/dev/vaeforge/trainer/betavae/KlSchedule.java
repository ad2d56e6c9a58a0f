package dev.vaeforge.trainer.betavae;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.vaeforge.trainer.model.Span;

/**
 * How the KL weight beta of a beta-VAE moves during training, as a function of the optimiser step
 * t = 0, 1, 2, ... (steps done before the current one). Every schedule reaches the target beta and
 * stays there: after the span, and for scoring held-out data ({@link #beta} with a step past the end).
 * JSON: {@code {"type": "constant"}}, {@code {"type": "warmup", "start": 0, "span": "10 epochs"}},
 * {@code {"type": "cyclical", "cycles": 4, "ratio": 0.5, "span": "10 epochs"}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = KlSchedule.Constant.class, name = "constant"),
        @JsonSubTypes.Type(value = KlSchedule.Warmup.class, name = "warmup"),
        @JsonSubTypes.Type(value = KlSchedule.Cyclical.class, name = "cyclical")})
public sealed interface KlSchedule permits KlSchedule.Constant, KlSchedule.Warmup, KlSchedule.Cyclical {

    /**
     * beta at step {@code step} for a schedule heading to {@code target}.
     *
     * @param stepsPerEpoch converts spans given in epochs
     */
    double beta(double target, long step, int stepsPerEpoch);

    /** beta = target throughout (Higgins et al. 2017). */
    record Constant() implements KlSchedule {
        @Override
        public double beta(double target, long step, int stepsPerEpoch) {
            return target;
        }
    }

    /**
     * Linear warm-up (Bowman et al. 2016; Sønderby et al. 2016): beta(t) = start + (target - start) *
     * min(1, t / N) with N the span in steps. beta(0) = start, beta(N) = target.
     *
     * @param start beta at step 0, >= 0 (0 unless given)
     */
    record Warmup(double start, Span span) implements KlSchedule {
        public Warmup {
            if (!(start >= 0) || Double.isInfinite(start)) {
                throw new IllegalArgumentException("warm-up start beta must be >= 0, got " + start);
            }
            if (span == null) {
                throw new IllegalArgumentException("a warm-up needs its span, e.g. \"10 epochs\" or \"2000 steps\"");
            }
        }

        @Override
        public double beta(double target, long step, int stepsPerEpoch) {
            long n = span.steps(stepsPerEpoch);
            return start + (target - start) * Math.min(1.0, (double) step / n);
        }
    }

    /**
     * Cyclical annealing (Fu et al. 2019, "Cyclical Annealing Schedule", their linear ramp): the span of
     * N steps is cut into M cycles of P = N / M steps; within a cycle, at position u = t - floor(t / P) * P,
     * beta = target * min(1, u / (R * P)): a ramp from 0 over the first fraction R of the cycle, then the
     * target for the rest. From step N on, beta = target.
     *
     * @param cycles M >= 1 (4 unless given, as in the paper)
     * @param ratio R in (0, 1] (0.5 unless given, as in the paper)
     */
    record Cyclical(Integer cycles, Double ratio, Span span) implements KlSchedule {
        public static final int DEFAULT_CYCLES = 4;
        public static final double DEFAULT_RATIO = 0.5;

        public Cyclical {
            cycles = cycles == null ? DEFAULT_CYCLES : cycles;
            ratio = ratio == null ? DEFAULT_RATIO : ratio;
            if (cycles < 1 || cycles > 1_000_000) {
                throw new IllegalArgumentException("cyclical schedule needs 1..1000000 cycles, got " + cycles);
            }
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("cyclical ramp ratio must be in (0, 1], got " + ratio);
            }
            if (span == null) {
                throw new IllegalArgumentException("a cyclical schedule needs its span, e.g. \"10 epochs\"");
            }
        }

        @Override
        public double beta(double target, long step, int stepsPerEpoch) {
            long n = span.steps(stepsPerEpoch);
            if (step >= n) {
                return target;
            }
            double period = (double) n / cycles;
            double u = step - Math.floor(step / period) * period;
            return target * Math.min(1.0, u / (ratio * period));
        }
    }
}
