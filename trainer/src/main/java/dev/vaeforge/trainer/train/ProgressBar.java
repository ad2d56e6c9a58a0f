package dev.vaeforge.trainer.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress for people: epoch, step/total, running loss, images/s and ETA. On a terminal the
 * line is redrawn in place with '\r' (at most 10 times a second); in a log file or CI output it prints
 * one line every {@code intervalMillis} instead, so logs stay short. Epoch results always get a line.
 */
public final class ProgressBar implements TrainListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 20;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier clock;
    private long lastPrint = Long.MIN_VALUE;
    private int lastWidth;

    /** Redraws on a terminal, else one line every 10 seconds. */
    public ProgressBar(PrintStream out, boolean terminal) {
        this(out, terminal, 10_000, System::nanoTime);
    }

    ProgressBar(PrintStream out, boolean terminal, long intervalMillis, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.clock = nanoClock;
    }

    /** Whether this JVM talks to a terminal; a hint for choosing the redraw mode. */
    public static boolean isTerminal() {
        return System.console() != null;
    }

    @Override
    public void onStart(TrainingPlan p) {
        out.printf(Locale.ROOT, "training %d epochs x %d steps (batch %d) on %d images, testing on %d, device %s -> %s%n",
                p.epochs(), p.stepsPerEpoch(), p.batchSize(), p.trainImages(), p.testImages(), p.device(),
                p.runDirectory());
        out.flush();
    }

    @Override
    public void onStep(StepProgress s) {
        long now = clock.getAsLong();
        boolean last = s.step() == s.stepsPerEpoch();
        if (terminal) {
            if (last || lastPrint == Long.MIN_VALUE || now - lastPrint >= REDRAW_NANOS) {
                redraw(line(s));
                lastPrint = now;
            }
        } else if (lastPrint == Long.MIN_VALUE || now - lastPrint >= intervalNanos) {
            out.println(line(s));
            out.flush();
            lastPrint = now;
        }
    }

    private void redraw(String text) {
        StringBuilder sb = new StringBuilder("\r").append(text);
        for (int i = text.length(); i < lastWidth; i++) {
            sb.append(' ');
        }
        lastWidth = text.length();
        out.print(sb);
        out.flush();
    }

    static String line(StepProgress s) {
        int filled = (int) ((long) BAR * s.step() / Math.max(1, s.stepsPerEpoch()));
        return String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d loss %.4f %.0f img/s ETA %s", s.epoch(),
                s.epochs(), "#".repeat(filled), "-".repeat(BAR - filled), s.step(), s.stepsPerEpoch(),
                s.runningLoss(), s.imagesPerSecond(), duration(s.etaSeconds()));
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        String text = String.format(Locale.ROOT,
                "epoch %d: train %.4f (recon %.4f + kl %.4f), test %.4f (recon %.4f + kl %.4f), %.0f img/s, %.1f s",
                m.epoch(), m.trainLoss(), m.trainRecon(), m.trainKl(), m.testLoss(), m.testRecon(), m.testKl(),
                m.imagesPerSecond(), m.seconds());
        if (m.beta() != null) {
            text += String.format(Locale.ROOT, ", beta %.4g", m.beta());
        }
        if (m.capacity() != null) {
            text += String.format(Locale.ROOT, ", C %.3g nats", m.capacity());
        }
        if (terminal) {
            redraw(text);
            out.println();
            lastWidth = 0;
        } else {
            out.println(text);
        }
        out.flush();
    }

    @Override
    public void onResume(String checkpoint, long step) {
        line("resuming from " + checkpoint + " (after step " + step + ")");
    }

    @Override
    public void onWarning(String message) {
        line("warning: " + message);
    }

    /** A whole line, also when a redrawn progress line is on screen. */
    private void line(String text) {
        if (terminal && lastWidth > 0) {
            out.println();
            lastWidth = 0;
        }
        out.println(text);
        out.flush();
    }

    @Override
    public void onEnd(TrainingSummary s) {
        out.printf(Locale.ROOT, "done: %d epochs, %d steps in %s; best test loss %.4f at epoch %d (%s)%n", s.epochs(),
                s.steps(), duration(s.wallSeconds()), s.bestTestLoss(), s.bestEpoch(), s.bestCheckpoint());
        out.flush();
    }

    /** "1:02:03", "4:05" or "?" for an unknown duration. */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
