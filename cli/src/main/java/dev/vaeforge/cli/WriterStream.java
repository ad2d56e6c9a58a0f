package dev.vaeforge.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A PrintStream over the command's PrintWriter, for listeners (the trainer's progress bar) that
 * want a stream, so that all output still goes through picocli's writers and tests can capture it.
 */
final class WriterStream extends OutputStream {
    private final PrintWriter writer;

    private WriterStream(PrintWriter writer) {
        this.writer = writer;
    }

    static PrintStream of(PrintWriter writer) {
        return new PrintStream(new WriterStream(writer), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        writer.write(b & 0xff);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        // PrintStream hands over whole encoded strings, so a slice never splits a UTF-8 sequence
        writer.write(new String(b, off, len, StandardCharsets.UTF_8));
        writer.flush();
    }

    @Override
    public void flush() {
        writer.flush();
    }
}
