package dev.vaeforge.runtime.tensorboard;

import com.google.protobuf.ByteString;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.PngWriter;
import dev.vaeforge.runtime.tensorboard.proto.TensorBoard.Event;
import dev.vaeforge.runtime.tensorboard.proto.TensorBoard.HistogramProto;
import dev.vaeforge.runtime.tensorboard.proto.TensorBoard.Summary;
import dev.vaeforge.runtime.tensorboard.proto.TensorBoard.SummaryMetadata;
import dev.vaeforge.runtime.tensorboard.proto.TensorBoard.TensorProto;
import dev.vaeforge.runtime.tensorboard.proto.TensorBoard.TensorShapeProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes TensorBoard event files ({@code events.out.tfevents.*}) into a directory: scalars, images,
 * histograms and text, each at a step. Records are appended and flushed by {@link #flush}, so a live
 * TensorBoard sees progress. Opening with {@code resumeStep} continues a run's logs: every existing
 * event file is first rewritten without the events after that step (written by the run after its
 * last checkpoint, before it was stopped) and without a record cut short, so the resumed run adds no
 * duplicate steps. Not thread-safe; one writer per directory.
 */
public final class EventFileWriter implements AutoCloseable {
    /** The file-name infix TensorBoard looks for. */
    public static final String FILE_MARKER = "tfevents";
    static final String FILE_VERSION = "brain.Event:2";
    /** TensorFlow's DT_STRING. */
    private static final int DT_STRING = 7;
    private static final int HISTOGRAM_BUCKETS = 30;

    private final Path file;
    private final OutputStream out;

    private EventFileWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens a new event file in {@code dir} (created if missing).
     *
     * @param resumeStep the last step already logged by a run being resumed: existing events with a
     *     larger step are removed first; -1 for a new run (existing files are left as they are)
     */
    public static EventFileWriter open(Path dir, long resumeStep) {
        try {
            Files.createDirectories(dir);
            if (resumeStep >= 0) {
                for (Path f : eventFiles(dir)) {
                    truncateAfter(f, resumeStep);
                }
            }
            Path file = newFileName(dir);
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
            EventFileWriter w = new EventFileWriter(file, out);
            w.write(Event.newBuilder().setWallTime(now()).setFileVersion(FILE_VERSION).build());
            w.flush();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write TensorBoard event file (" + e.getMessage() + ")", e);
        }
    }

    /** The event files in {@code dir}, oldest name first. */
    public static List<Path> eventFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(FILE_MARKER) && Files.isRegularFile(p)).sorted().toList();
        }
    }

    public Path file() {
        return file;
    }

    public void scalar(String tag, long step, double value) {
        summary(step, Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value).build());
    }

    /** An image in [0, 1] (gray or RGB), stored as PNG. */
    public void image(String tag, long step, FloatImage image) {
        byte[] png;
        try {
            png = PngWriter.encode(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Summary.Image img = Summary.Image.newBuilder().setHeight(image.shape().height()).setWidth(image.shape().width())
                .setColorspace(image.shape().channels()).setEncodedImageString(ByteString.copyFrom(png)).build();
        summary(step, Summary.Value.newBuilder().setTag(tag).setImage(img).build());
    }

    /** A histogram of {@code values} over {@value #HISTOGRAM_BUCKETS} equal buckets between their min and max. */
    public void histogram(String tag, long step, double[] values) {
        summary(step, Summary.Value.newBuilder().setTag(tag).setHisto(histogramOf(values)).build());
    }

    /** Text (Markdown), shown by TensorBoard's text plugin. */
    public void text(String tag, long step, String markdown) {
        TensorProto t = TensorProto.newBuilder().setDtype(DT_STRING).setTensorShape(TensorShapeProto.getDefaultInstance())
                .addStringVal(ByteString.copyFrom(markdown, StandardCharsets.UTF_8)).build();
        SummaryMetadata meta = SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("text")).build();
        summary(step, Summary.Value.newBuilder().setTag(tag).setMetadata(meta).setTensor(t).build());
    }

    /** Pushes everything written so far to the file. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close (" + e.getMessage() + ")", e);
        }
    }

    static HistogramProto histogramOf(double[] values) {
        HistogramProto.Builder h = HistogramProto.newBuilder();
        if (values.length == 0) {
            return h.build();
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double squares = 0;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            squares += v * v;
        }
        h.setMin(min).setMax(max).setNum(values.length).setSum(sum).setSumSquares(squares);
        int buckets = max > min ? HISTOGRAM_BUCKETS : 1;
        double[] counts = new double[buckets];
        double width = (max - min) / buckets;
        for (double v : values) {
            int b = buckets == 1 ? 0 : (int) Math.min(buckets - 1, Math.floor((v - min) / width));
            counts[b]++;
        }
        for (int b = 0; b < buckets; b++) {
            h.addBucketLimit(b == buckets - 1 ? max : min + (b + 1) * width).addBucket(counts[b]);
        }
        return h.build();
    }

    private void summary(long step, Summary.Value value) {
        write(Event.newBuilder().setWallTime(now()).setStep(step).setSummary(Summary.newBuilder().addValue(value)).build());
    }

    private void write(Event e) {
        try {
            TfRecords.write(out, e.toByteArray());
        } catch (IOException ex) {
            throw new UncheckedIOException(file + ": cannot write (" + ex.getMessage() + ")", ex);
        }
    }

    /** Rewrites {@code f} keeping its events up to {@code step} (and the file-version event), atomically. */
    private static void truncateAfter(Path f, long step) throws IOException {
        List<byte[]> kept = new ArrayList<>();
        boolean dropped = false;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f))) {
            byte[] data;
            while ((data = TfRecords.read(in, f.toString())) != null) {
                Event e = Event.parseFrom(data);
                if (e.hasSummary() && e.getStep() > step) {
                    dropped = true;
                } else {
                    kept.add(data);
                }
            }
            dropped |= in.read() >= 0;
        }
        long expected = 0;
        for (byte[] k : kept) {
            expected += 16 + k.length;
        }
        if (!dropped && expected == Files.size(f)) {
            return;
        }
        Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            for (byte[] k : kept) {
                TfRecords.write(out, k);
            }
        }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path newFileName(Path dir) {
        long seconds = System.currentTimeMillis() / 1000;
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "_");
        } catch (IOException e) {
            host = "localhost";
        }
        long pid = ProcessHandle.current().pid();
        for (int n = 0; ; n++) {
            Path p = dir.resolve(String.format(Locale.ROOT, "events.out.%s.%d.%s.%d.%d.vaeforge", FILE_MARKER, seconds, host,
                    pid, n));
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}
