package dev.vaeforge.runtime.metrics;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * One ORT session per channel count (1, 3) and metric set, built on first use. These sessions run the
 * graph variant without Pad nodes: {@link ImageQualityMetrics} pads batches while copying them.
 */
final class QualitySessions implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession[] sessions = new OrtSession[2 * QualityGraph.Kind.values().length];
    private boolean closed;

    QualitySessions(OrtEnvironment env, OrtSession.SessionOptions options) {
        this.env = env;
        this.options = options;
    }

    OrtEnvironment env() {
        return env;
    }

    synchronized OrtSession get(int channels, QualityGraph.Kind kind) throws OrtException {
        if (closed) {
            throw new IllegalStateException("ImageQualityMetrics is closed");
        }
        int slot = kind.ordinal() * 2 + (channels == 1 ? 0 : 1);
        if (sessions[slot] == null) {
            sessions[slot] = env.createSession(QualityGraph.build(channels, kind, false).toByteArray(), options);
        }
        return sessions[slot];
    }

    @Override
    public synchronized void close() throws OrtException {
        if (closed) {
            return;
        }
        closed = true;
        OrtException first = null;
        for (int i = 0; i < sessions.length; i++) {
            if (sessions[i] != null) {
                try {
                    sessions[i].close();
                } catch (OrtException e) {
                    first = first == null ? e : first;
                }
                sessions[i] = null;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
